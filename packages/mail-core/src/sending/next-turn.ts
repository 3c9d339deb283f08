/**
 * Resolves on the event loop's next turn, after every promise callback queued now has run (and the ones
 * they queue): `setImmediate` where the runtime has it, else `setTimeout(0)`. Not a wait on the mailer's
 * clock, so a test with a fake clock need not move it for a batch to go out.
 */
export function nextTurn(): Promise<void> {
  return new Promise<void>((resolve) => {
    if (typeof setImmediate === "function") setImmediate(resolve);
    else setTimeout(resolve, 0);
  });
}

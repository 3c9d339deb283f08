/**
 * Gathers items into groups for one call: a group goes once it holds `size` items, or `waitMs` after its
 * first item came, whichever is first. Each item's promise settles with its own entry of the call's answer
 * (the answer has one entry per item, in order), or with the call's rejection.
 */
export function gatherer<T, R>(
  size: number,
  waitMs: number,
  call: (items: readonly T[]) => Promise<readonly R[]>,
): (item: T) => Promise<R> {
  let group: { item: T; resolve: (result: R) => void; reject: (error: unknown) => void }[] = [];
  let timer: NodeJS.Timeout | undefined;
  const flush = () => {
    clearTimeout(timer);
    timer = undefined;
    const taken = group;
    group = [];
    call(taken.map((entry) => entry.item)).then(
      (results) => {
        for (const [i, entry] of taken.entries()) entry.resolve(results[i]!);
      },
      (error: unknown) => {
        for (const entry of taken) entry.reject(error);
      },
    );
  };
  return (item) =>
    new Promise<R>((resolve, reject) => {
      group.push({ item, resolve, reject });
      if (group.length >= size) flush();
      else timer ??= setTimeout(flush, waitMs);
    });
}

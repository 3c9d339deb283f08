/** What `recordConsole` returns: the calls made so far, and the way to put the console back. */
export interface ConsoleRecorder {
  /** The arguments of every console call since recording began, in call order. */
  calls(): unknown[][];
  /** Puts the original console methods back. */
  restore(): void;
}

const METHODS = ["log", "info", "warn", "error", "debug", "trace"] as const;

/** Silences and records every console method, so a test can show that nothing was logged; call `restore` after. */
export function recordConsole(): ConsoleRecorder {
  const calls: unknown[][] = [];
  const originals = METHODS.map((method) => [method, console[method]] as const);
  for (const method of METHODS) {
    console[method] = (...args: unknown[]) => {
      calls.push(args);
    };
  }
  return {
    calls: () => [...calls],
    restore: () => {
      for (const [method, original] of originals) console[method] = original;
    },
  };
}

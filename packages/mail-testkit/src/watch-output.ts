import { vi } from "vitest";

/** Everything a send made visible: hook events and console output, for the no-secret check. */
export interface Output {
  readonly events: unknown[];
  readonly logs: unknown[][];
  /** Hooks to hand the mailer. */
  readonly hooks: {
    onSend(event: unknown): void;
    onSent(event: unknown): void;
    onError(event: unknown): void;
  };
  /** Stops recording console output and restores it. */
  restore(): void;
}

/** Records hook events and every console call until `restore()`. */
export function watchOutput(): Output {
  const events: unknown[] = [];
  const logs: unknown[][] = [];
  const methods = ["log", "info", "warn", "error", "debug", "trace"] as const;
  const spies = methods.map((method) =>
    vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
      logs.push(args);
    }),
  );
  const record = (event: unknown) => {
    events.push(event);
  };
  return {
    events,
    logs,
    hooks: { onSend: record, onSent: record, onError: record },
    restore() {
      for (const spy of spies) spy.mockRestore();
    },
  };
}

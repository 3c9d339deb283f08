/** Where the demo writes: `process.stdout` / `process.stderr`, or a collector in tests. */
export interface TextOutput {
  write(chunk: string): unknown;
  /** When true, progress lines are redrawn in place; otherwise each step prints once, plainly. */
  readonly isTTY?: boolean | undefined;
}

/** Writes one line. */
export function writeLine(out: TextOutput, text = ""): void {
  out.write(`${text}\n`);
}

/**
 * Runs a long step and shows its progress: `label…` while it runs, then the outcome on the same line
 * (`label… done`, or redrawn as `✓ label  done` on a terminal). Rethrows the step's error after `failed`.
 */
export async function step<T>(
  out: TextOutput,
  label: string,
  run: () => Promise<T>,
  describe: (result: T) => string = () => "done",
): Promise<T> {
  out.write(`${label}…`);
  let result: T;
  try {
    result = await run();
  } catch (error) {
    out.write(out.isTTY ? `\r\x1b[2K✗ ${label}  failed\n` : " failed\n");
    throw error;
  }
  out.write(out.isTTY ? `\r\x1b[2K✓ ${label}  ${describe(result)}\n` : ` ${describe(result)}\n`);
  return result;
}

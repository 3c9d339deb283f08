// msw, which @posse/mail-testkit loads, reads `globalThis.localStorage` when it is imported; Node 25 and later
// answer that, without `--localstorage-file`, with an ExperimentalWarning on stderr. It is msw's, not ours,
// and a user of the testkit sees it too. Only that warning is taken out: any other, ours included, stays.
const WARNING =
  /^\(node:\d+\) ExperimentalWarning: localStorage is not available because --localstorage-file was not provided\.\n(\(Use `node --trace-warnings \.\.\.` to show where the warning was created\)\n)?/gm;

/** `stderr` without msw's localStorage warning (and Node's hint line after it, when it follows). */
export function withoutMswStorageWarning(stderr: string): string {
  return stderr.replace(WARNING, "");
}

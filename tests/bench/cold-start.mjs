// Cold start in this fresh process: `node cold-start.mjs raw|posse <id> [<stub url>]` times importing the
// vendor SDK and creating its client, or importing @posse/mail-core and the provider package and creating a
// mailer, and, given a stub vendor's URL, then one send to it; `node cold-start.mjs core` times importing
// @posse/mail-core alone, and `node cold-start.mjs none` nothing (the baseline of a profiled start). Prints
// one JSON line: { ms } (import + create), with { firstSendMs } (import + create + first send) when a send
// was made.
import { HTTP_VENDORS, posseSender } from "./lib/http-vendors.mjs";

const [kind, id, stubUrl] = process.argv.slice(2);
const url = stubUrl ?? "http://127.0.0.1:9";
const result = {};
if (kind === "none") {
  result.ms = 0;
} else if (kind === "core") {
  const started = performance.now();
  await import("@posse/mail-core");
  result.ms = performance.now() - started;
} else {
  const vendor = HTTP_VENDORS.find((candidate) => candidate.id === id);
  // Both sides pay for resolving their bare specifiers, as an app does: posse-mail's "@posse/mail-core",
  // the provider package and its SDK, the raw side its SDK (Node's resolver, from the provider package,
  // run with --experimental-import-meta-resolve).
  const started = performance.now();
  const made = kind === "raw" ? { send: await vendor.raw(url) } : await posseSender(vendor, url);
  result.ms = performance.now() - started;
  if (stubUrl !== undefined) {
    await made.send();
    result.firstSendMs = performance.now() - started;
  }
  await made.mailer?.close();
}
process.stdout.write(`${JSON.stringify(result)}\n`);
// An SDK's kept-alive socket to the stub must not hold the process open (stdout to a pipe is synchronous).
process.exit(0);

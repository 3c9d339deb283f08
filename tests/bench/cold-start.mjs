// Cold start in this fresh process: `node cold-start.mjs raw|posse <id>` times importing the vendor SDK and
// creating its client, or importing @posse/mail-core and the provider package and creating a mailer;
// `node cold-start.mjs core` times importing @posse/mail-core alone. Prints one JSON line: { ms }.
import { HTTP_VENDORS, posseSender } from "./lib/http-vendors.mjs";

const [kind, id] = process.argv.slice(2);
const url = "http://127.0.0.1:9";
let ms;
if (kind === "core") {
  const started = performance.now();
  await import("@posse/mail-core");
  ms = performance.now() - started;
} else {
  const vendor = HTTP_VENDORS.find((candidate) => candidate.id === id);
  // Both sides pay for resolving their bare specifiers, as an app does: posse-mail's "@posse/mail-core",
  // the provider package and its SDK, the raw side its SDK (Node's resolver, from the provider package,
  // run with --experimental-import-meta-resolve).
  const started = performance.now();
  const made = kind === "raw" ? await vendor.raw(url) : await posseSender(vendor, url);
  ms = performance.now() - started;
  await made.mailer?.close();
}
process.stdout.write(`${JSON.stringify({ ms })}\n`);

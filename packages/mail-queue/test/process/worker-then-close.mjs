// Child process: starts a worker on the queue at argv[2] (a Redis that refuses or is not there), waits for
// the connection's first error to reach the worker, closes it and prints "closed". The process must then
// end by itself.
import { createTestMailer } from "@posse/mail-core/testing";
import { createMailWorker } from "../../dist/index.js";

const mailer = await createTestMailer({ from: "app@example.com" });
const worker = createMailWorker({ url: process.argv[2], mailer });
let ready = "pending";
worker.ready.then(
  () => (ready = "ready"),
  (error) => (ready = `${error.code}: ${error.message}`),
);
await new Promise((resolve) => worker.worker.once("error", resolve));
console.log("refused");
await worker.close({ timeoutMs: 500 });
await worker.close({ timeoutMs: 500 }); // a second close is a no-op
await mailer.close();
await new Promise((resolve) => setImmediate(resolve));
console.log(`closed; ready: ${ready}`);

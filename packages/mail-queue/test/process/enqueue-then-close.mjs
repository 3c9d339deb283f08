// Child process: enqueues one message on the queue at argv[2] (a Redis that refuses or is not there),
// prints how enqueue failed, closes the queue and prints "closed". The process must then end by itself.
import { createMailQueue } from "../../dist/index.js";

const queue = createMailQueue({ url: process.argv[2], timeoutMs: 1000 });
try {
  const id = await queue.enqueue({
    from: "app@example.com",
    to: "ann@example.com",
    subject: "Hi",
    text: "x",
  });
  console.log(`enqueued ${id}`);
} catch (error) {
  console.log(`${error.code}: ${error.message}`);
}
await queue.close();
await queue.close(); // a second close is a no-op
console.log("closed");

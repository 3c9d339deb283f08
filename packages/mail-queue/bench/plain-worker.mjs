// The comparison side of the throughput bench: a plain BullMQ worker calling the Postmark SDK (the one
// @posse/mail-postmark uses) directly against the stub vendor. argv: redis url, queue name, stub url, concurrency.
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { Worker } from "bullmq";
import { Redis } from "ioredis";

const [url, name, stubUrl, concurrency] = process.argv.slice(2);
const fromPostmark = createRequire(
  fileURLToPath(new URL("../../mail-postmark/package.json", import.meta.url)),
);
const { ServerClient } = fromPostmark("postmark");
const client = new ServerClient("stub-token", { useHttps: false, requestHost: new URL(stubUrl).host });
const connection = new Redis(url, { maxRetriesPerRequest: null });
const worker = new Worker(
  name,
  async (job) => {
    const { to, subject, text } = job.data;
    const result = await client.sendEmail({
      From: "app@example.com",
      To: to,
      Subject: subject,
      TextBody: text,
    });
    return { messageId: result.MessageID };
  },
  { connection, prefix: "{bench}", concurrency: Number(concurrency) },
);
await worker.waitUntilReady();
console.log("ready");
process.on("SIGTERM", async () => {
  await worker.close();
  await connection.quit();
  process.exit(0);
});

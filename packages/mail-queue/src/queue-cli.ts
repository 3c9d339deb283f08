import { isMailError } from "@posse/mail-core";
import { deadLetterCommand, USAGE } from "./dead-letter-commands.js";
import { locationFromEnv } from "./location-from-env.js";
import { createMailQueue } from "./mail-queue.js";

// posse-mail-queue: an operator's tools for a queue's dead letters (list, show, redrive, remove).
async function main(): Promise<number> {
  const [group, ...args] = process.argv.slice(2);
  if (group !== "dead-letters") {
    console.error(USAGE.join("\n"));
    return 2;
  }
  // The queue's location is read as the worker reads it (MAIL_QUEUE_ALLOW_PLAINTEXT, MAIL_QUEUE_CLUSTER too).
  const queue = createMailQueue(locationFromEnv(process.env));
  try {
    const { lines, code } = await deadLetterCommand(queue, args);
    (code === 0 ? console.log : console.error)(lines.join("\n"));
    return code;
  } finally {
    await queue.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    const text = isMailError(error) ? `${error.code}: ${error.message}` : "unexpected error";
    console.error(`posse-mail-queue: ${text}`);
    process.exit(1);
  },
);

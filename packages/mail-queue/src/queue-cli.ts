import { isMailError, MailError } from "@posse/mail-core";
import { deadLetterCommand, USAGE } from "./dead-letter-commands.js";
import { createMailQueue } from "./mail-queue.js";

const optional = (value: string | undefined) => (value?.trim() ? value.trim() : undefined);

// posse-mail-queue: an operator's tools for a queue's dead letters (list, show, redrive, remove).
async function main(): Promise<number> {
  const [group, ...args] = process.argv.slice(2);
  if (group !== "dead-letters") {
    console.error(USAGE.join("\n"));
    return 2;
  }
  const url = optional(process.env.MAIL_QUEUE_URL);
  if (url === undefined)
    throw new MailError("CONFIG", "MAIL_QUEUE_URL is required (the queue's redis:// URL)");
  const name = optional(process.env.MAIL_QUEUE_NAME);
  const prefix = optional(process.env.MAIL_QUEUE_PREFIX);
  const queue = createMailQueue({
    url,
    ...(name === undefined ? {} : { name }),
    ...(prefix === undefined ? {} : { prefix }),
    ...(process.env.MAIL_QUEUE_CLUSTER === "true" ? { cluster: true } : {}),
  });
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

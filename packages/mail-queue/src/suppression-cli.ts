import { parseArgs } from "node:util";
import {
  isMailError,
  type SuppressionEntry,
  type SuppressionList,
  type SuppressionReason,
} from "@posse/mail-core";
import { locationFromEnv } from "./location-from-env.js";
import { redisSuppressionFromEnv } from "./suppression-from-env.js";

// posse-mail-suppression: look up and change the suppression list kept in the queue's Redis.
// Exit 0 done, 1 not found or failed, 2 a usage error.

const USAGE = `usage: posse-mail-suppression <command>
  list                          every entry, one JSON object a line
  get <address|hmac-sha256:…>   one entry (exit 1 when not suppressed)
  add <address> [--reason manual|hard-bounce|complaint|unsubscribe] [--note <text>]
  remove <address> [--by <name>] [--note <text>]   lifts it; the removal is recorded
  removals                      every removal recorded, oldest first
environment: MAIL_QUEUE_URL (required), MAIL_QUEUE_ALLOW_PLAINTEXT, MAIL_QUEUE_CLUSTER,
  MAIL_SUPPRESSION_PREFIX, MAIL_SUPPRESSION_HASH_SECRET`;

const REASONS: readonly SuppressionReason[] = ["manual", "hard-bounce", "complaint", "unsubscribe"];

class UsageError extends Error {}

const line = (value: unknown) => console.log(JSON.stringify(value));
const print = (entry: SuppressionEntry) => line(entry);

/** Runs one command against the list; resolves with the exit code. */
async function run(list: SuppressionList, command: string | undefined, rest: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: { reason: { type: "string" }, note: { type: "string" }, by: { type: "string" } },
  });
  const address = positionals[0];
  const needsAddress = command === "get" || command === "add" || command === "remove";
  if (needsAddress && (address === undefined || positionals.length > 1))
    throw new UsageError(`${command} takes one address`);
  if (command === "list") (await list.list()).forEach(print);
  else if (command === "removals") (await list.removals()).forEach(line);
  else if (command === "get" || command === "remove") {
    const entry = command === "get" ? await list.get(address!) : await list.remove(address!, values);
    if (entry === undefined) {
      console.error(`posse-mail-suppression: ${address} is not suppressed`);
      return 1;
    }
    print(entry);
  } else if (command === "add") {
    const reason = (values.reason ?? "manual") as SuppressionReason;
    if (!REASONS.includes(reason)) throw new UsageError(`--reason must be one of ${REASONS.join(", ")}`);
    print(await list.add(address!, reason, values.note === undefined ? {} : { note: values.note }));
  } else
    throw new UsageError(command === undefined ? "a command is required" : `unknown command "${command}"`);
  return 0;
}

async function main(): Promise<number> {
  const [command, ...rest] = process.argv.slice(2);
  if (command === "--help" || command === "-h") {
    console.log(USAGE);
    return 0;
  }
  if (!process.env.MAIL_QUEUE_URL?.trim())
    throw new UsageError("MAIL_QUEUE_URL is required (the queue's redis:// URL)");
  // The list the worker checks with MAIL_QUEUE_SUPPRESSION=redis: same variables, same reading.
  const suppression = redisSuppressionFromEnv(process.env, locationFromEnv(process.env));
  try {
    return await run(suppression.check.list, command, rest);
  } finally {
    await suppression.close();
  }
}

/** What to print for a failure: never a Redis URL (a connection error's code stands for its message). */
function failureText(error: unknown): string {
  if (isMailError(error)) return `${error.code}: ${error.message}`;
  const code = (error as { code?: unknown } | undefined)?.code;
  if (typeof code === "string" && !(error instanceof UsageError)) return `Redis: ${code}`;
  return error instanceof Error ? error.message : "unexpected error";
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    const code = (error as { code?: unknown } | undefined)?.code;
    const usage =
      error instanceof UsageError || (typeof code === "string" && code.startsWith("ERR_PARSE_ARGS"));
    console.error(`posse-mail-suppression: ${usage ? (error as Error).message : failureText(error)}`);
    if (usage) console.error(USAGE);
    process.exit(usage ? 2 : 1);
  },
);

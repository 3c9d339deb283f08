import type { EnvSource } from "@posse/mail-core";
import { MailError } from "@posse/mail-core";
import type { QueueLocation } from "./connection.js";

/** A variable's value without surrounding blanks; undefined when unset or blank. */
export function readEnv(env: EnvSource, name: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}

/**
 * Where the queue is, from `MAIL_QUEUE_URL` (required), `MAIL_QUEUE_NAME`, `MAIL_QUEUE_PREFIX`,
 * `MAIL_QUEUE_ALLOW_PLAINTEXT` and `MAIL_QUEUE_CLUSTER`: the worker and the CLIs read them alike.
 */
export function locationFromEnv(env: EnvSource): QueueLocation {
  const url = readEnv(env, "MAIL_QUEUE_URL");
  if (url === undefined)
    throw new MailError("CONFIG", "MAIL_QUEUE_URL is required (the queue's redis:// URL)");
  const name = readEnv(env, "MAIL_QUEUE_NAME");
  const prefix = readEnv(env, "MAIL_QUEUE_PREFIX");
  return {
    url,
    ...(name === undefined ? {} : { name }),
    ...(prefix === undefined ? {} : { prefix }),
    ...(readEnv(env, "MAIL_QUEUE_ALLOW_PLAINTEXT") === "true" ? { allowPlaintext: true } : {}),
    ...(readEnv(env, "MAIL_QUEUE_CLUSTER") === "true" ? { cluster: true } : {}),
  };
}

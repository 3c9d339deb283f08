import { MailError } from "@posse/mail-core";
import { inClearToAnotherMachine } from "./connection.js";

/**
 * A store's Redis URL, when it is `rediss://`, or `redis://` to this machine (or `allowPlaintext`); else
 * `CONFIG` naming the option `url` of `owner` (`redisReplayStore`), never the URL (it may hold the password).
 */
export function storeUrl(owner: string, url: unknown, allowPlaintext: boolean): string {
  let parsed: URL | undefined;
  try {
    parsed = typeof url === "string" ? new URL(url) : undefined;
  } catch {
    parsed = undefined;
  }
  if (parsed?.protocol !== "redis:" && parsed?.protocol !== "rediss:") {
    throw new MailError("CONFIG", `${owner}: url must be a redis:// or rediss:// URL`, { field: "url" });
  }
  if (inClearToAnotherMachine(parsed) && !allowPlaintext) {
    throw new MailError(
      "CONFIG",
      `${owner}: url is redis:// to another machine, so its password would cross the network in clear text; use rediss://, or pass allowPlaintext: true on a network you trust`,
      { field: "url" },
    );
  }
  return url as string;
}

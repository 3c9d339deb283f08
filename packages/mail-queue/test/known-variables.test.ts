// The queue's variables are its own: it registers QUEUE_ENV with the core when imported, so the core names a
// misspelt MAIL_QUEUE_* variable with its did-you-mean (the core holds no copy of the names), and every
// variable name the queue's source reads is in QUEUE_ENV.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { resolveMailProvider } from "@posse/mail-core";
import "@posse/mail-postmark"; // registers the provider the env below configures
import { describe, expect, it } from "vitest";
import { QUEUE_ENV } from "../src/index.js";

const configured = {
  MAIL_FROM_ADDRESS: "app@example.com",
  MAIL_PROVIDER: "postmark",
  POSTMARK_API_TOKEN: "p",
};
const meant = (name: string, known: string) =>
  `${name} is not a variable posse-mail reads: did you mean ${known}?`;

describe("the queue's variables, once @posse/mail-queue is imported", () => {
  it.each([
    ["MAIL_QUEUE_CONCURENCY", "MAIL_QUEUE_CONCURRENCY"],
    ["MAIL_QEUE_URL", "MAIL_QUEUE_URL"],
    ["MAIL_QUEUE_ALLOW_PLAINTXT", "MAIL_QUEUE_ALLOW_PLAINTEXT"],
    ["MAIL_SUPRESSION_PREFIX", "MAIL_SUPPRESSION_PREFIX"],
  ])("%s is named with its did-you-mean, %s", (typo, known) => {
    const { problems } = resolveMailProvider({ ...configured, [typo]: "x" }, { resolveFrom: [] })!;
    expect(problems).toEqual([{ variable: typo, problem: meant(typo, known) }]);
  });

  it("every one of them, set at once, is not flagged", () => {
    const all = Object.fromEntries(QUEUE_ENV.map((name) => [name, "x"]));
    expect(resolveMailProvider({ ...configured, ...all }, { resolveFrom: [] })?.problems).toEqual([]);
  });

  it("every MAIL_* name the queue's source reads is in QUEUE_ENV", () => {
    const src = fileURLToPath(new URL("../src", import.meta.url));
    const read = new Set<string>();
    for (const file of readdirSync(src, { recursive: true, encoding: "utf8" })) {
      if (!file.endsWith(".ts")) continue;
      const source = readFileSync(join(src, file), "utf8");
      for (const [, name] of source.matchAll(/\b(MAIL_[A-Z0-9]+(?:_[A-Z0-9]+)+)\b/g)) read.add(name!);
    }
    expect([...read]).toEqual(expect.arrayContaining(["MAIL_QUEUE_URL", "MAIL_SUPPRESSION_HASH_SECRET"]));
    expect([...read].filter((name) => !(QUEUE_ENV as readonly string[]).includes(name))).toEqual([]);
  });
});

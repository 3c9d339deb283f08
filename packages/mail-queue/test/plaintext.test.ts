// redis:// (no TLS) only to this machine, as core's plain-http rule: rediss:// or an explicit opt-in elsewhere.

import type { Mailer } from "@posse/mail-core";
import { describe, expect, it } from "vitest";
import { resolveLocation } from "../src/connection.js";
import { createMailQueue, createMailWorker, workerOptionsFromEnv } from "../src/index.js";

const refusal =
  "the queue's url (MAIL_QUEUE_URL) is redis:// to another machine: its password and every message would cross the network in clear text; use rediss://, or set MAIL_QUEUE_ALLOW_PLAINTEXT=true (allowPlaintext) on a network you trust";

describe("a redis:// queue URL", () => {
  it.each(["redis://:pw-9d2a@db.example.com:6379", "redis://10.0.0.5:6379", "redis://[2001:db8::1]:6379"])(
    "to another machine (%s) is refused with CONFIG by the queue and the worker, naming neither host nor password",
    (url) => {
      const mailer = { provider: "memory", providers: ["memory"] } as unknown as Mailer;
      for (const open of [() => createMailQueue({ url }), () => createMailWorker({ url, mailer })]) {
        expect(open).toThrow(expect.objectContaining({ code: "CONFIG", message: refusal }));
      }
    },
  );

  it.each(["redis://127.0.0.1:6379", "redis://localhost", "redis://[::1]:6379", "redis://127.0.0.2"])(
    "to this machine (%s) is accepted",
    (url) => {
      expect(resolveLocation({ url }).url).toBe(url);
    },
  );

  it("to another machine is accepted as rediss://, or with allowPlaintext (MAIL_QUEUE_ALLOW_PLAINTEXT=true)", () => {
    expect(resolveLocation({ url: "rediss://db.example.com:6380" }).name).toBe("mail");
    expect(resolveLocation({ url: "redis://db.example.com", allowPlaintext: true }).name).toBe("mail");
    const env = { MAIL_QUEUE_URL: "redis://db.example.com", MAIL_QUEUE_ALLOW_PLAINTEXT: "true" };
    const { options } = workerOptionsFromEnv(env);
    expect(options.allowPlaintext).toBe(true);
    expect(resolveLocation(options).url).toBe("redis://db.example.com");
    expect(
      workerOptionsFromEnv({ ...env, MAIL_QUEUE_ALLOW_PLAINTEXT: "yes" }).options.allowPlaintext,
    ).toBeUndefined();
  });
});

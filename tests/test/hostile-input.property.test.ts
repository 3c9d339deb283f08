// Property-based: hostile subjects, display names, addresses, header values and file names never inject
// a header or add a recipient, through the memory provider and through a real SMTP server on loopback.
import {
  createMailerFromEnv,
  isMailError,
  isValidAddress,
  type Mailer,
  type MailMessage,
} from "@posse/mail-core";
import { createTestMailer } from "@posse/mail-core/testing";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import "@posse/mail-smtp";
import { type SmtpSink, startSmtpSink } from "./smtp-sink.js";

const INJECTIONS = [
  "\r\nBcc: evil@attacker.example",
  "\nX-Injected: yes",
  "\rTo: evil@attacker.example",
  "\0",
  "\r\n\r\n<h1>body</h1>",
  ", evil@attacker.example",
  "<evil@attacker.example>",
  '" <evil@attacker.example>, "',
  "=?UTF-8?B?DQpCY2M6IGV2aWxAYXR0YWNrZXIuZXhhbXBsZQ==?=",
  "\u2028\u2029",
  "«»“”ü😀",
];
const CHARS = [
  "a",
  "Z",
  " ",
  ",",
  ";",
  ":",
  '"',
  "\\",
  "<",
  ">",
  "@",
  "(",
  ")",
  "\t",
  "\r",
  "\n",
  "=",
  "?",
  "ü",
  "«",
];
const hostile = fc.oneof(
  fc.string({ unit: fc.constantFrom(...CHARS), minLength: 1, maxLength: 24 }),
  fc.tuple(fc.string({ maxLength: 8 }), fc.constantFrom(...INJECTIONS)).map(([a, b]) => `${a}${b}`),
);
const hostileAddress = fc.oneof(
  fc.constantFrom(...INJECTIONS).map((i) => `ann${i}@example.com`),
  fc.constantFrom(...INJECTIONS).map((i) => `ann@example.com${i}`),
  hostile.map((s) => `${s}@example.com`),
);
// Decodes RFC 2047 encoded-words (UTF-8, B or Q), as a mail client shows a custom header.
function decodeWords(value: string): string {
  return value
    .replace(/\?=\s+=\?/g, "?==?")
    .replace(/=\?UTF-8\?([BQ])\?([^?]*)\?=/gi, (_, kind: string, text: string) =>
      kind.toUpperCase() === "B"
        ? Buffer.from(text, "base64").toString("utf8")
        : Buffer.from(
            text
              .replace(/_/g, " ")
              .replace(/=([0-9A-F]{2})/gi, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16))),
            "latin1",
          ).toString("utf8"),
    );
}
const hasLineBreak = (value: string) => /[\r\n\0]/.test(value);
const squash = (value: string) => value.replace(/\s+/g, " ").trim();

interface Case {
  subject: string;
  name: string;
  headerValue: string;
  filename: string;
}
const cases = fc.record({ subject: hostile, name: hostile, headerValue: hostile, filename: hostile });

function messageFor(c: Case): MailMessage {
  return {
    to: { address: "ann@example.com", name: c.name },
    subject: c.subject,
    text: "body",
    headers: { "X-Probe": c.headerValue },
    attachments: [{ filename: c.filename, content: "x", contentType: "text/plain" }],
  };
}

function mustReject(c: Case): boolean {
  return (
    [c.subject, c.name, c.headerValue, c.filename].some(hasLineBreak) ||
    c.subject.trim() === "" ||
    c.headerValue.trim() === "" ||
    c.filename.trim() === ""
  );
}

describe("hostile input through the memory provider", () => {
  it("is rejected as INVALID_MESSAGE or delivered exactly as given", async () => {
    const mailer = await createTestMailer();
    await fc.assert(
      fc.asyncProperty(cases, async (c) => {
        mailer.reset();
        const outcome = await mailer.send(messageFor(c)).catch((error: unknown) => error);
        if (mustReject(c)) {
          expect(isMailError(outcome) && outcome.code).toBe("INVALID_MESSAGE");
          expect(mailer.sent).toHaveLength(0);
          return;
        }
        expect(isMailError(outcome)).toBe(false);
        const [sent] = mailer.sent;
        expect(sent!.to).toEqual([
          { address: "ann@example.com", ...(c.name.trim() ? { name: c.name.trim() } : {}) },
        ]);
        expect(sent!.cc).toEqual([]);
        expect(sent!.bcc).toEqual([]);
        expect(sent!.subject).toBe(c.subject);
        expect(sent!.headers).toEqual({ "X-Probe": c.headerValue });
        expect(sent!.attachments.map((a) => a.filename)).toEqual([c.filename]);
      }),
      { numRuns: 300 },
    );
  });

  it("never accepts an address that smuggles a second recipient or a header", async () => {
    const mailer = await createTestMailer();
    await fc.assert(
      fc.asyncProperty(hostileAddress, async (address) => {
        mailer.reset();
        const outcome = await mailer
          .send({ to: address, subject: "s", text: "t" })
          .catch((error: unknown) => error);
        if (isMailError(outcome)) {
          expect(outcome.code).toBe("INVALID_MESSAGE");
          return;
        }
        // "ann@example.com<evil@…>" is a legitimate name-addr (display name "ann@example.com") and
        // '" <evil@…>, "@example.com' a legitimate quoted local part: one recipient either way. What must
        // never happen is a second recipient, or a control character reaching an address.
        const recipients = mailer.sent.flatMap((m) => [...m.to, ...m.cc, ...m.bcc]);
        expect(recipients).toHaveLength(1);
        expect(recipients[0]!.address).not.toMatch(/[\r\n\0]/);
        expect(isValidAddress(recipients[0]!.address)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});

describe("hostile input through a real SMTP server", () => {
  let sink: SmtpSink;
  let mailer: Mailer;
  beforeAll(async () => {
    sink = await startSmtpSink();
    mailer = await createMailerFromEnv({
      env: {
        MAIL_PROVIDER: "smtp",
        MAIL_FROM_ADDRESS: "App <app@example.com>",
        SMTP_HOST: "127.0.0.1",
        SMTP_PORT: String(sink.port),
        SMTP_ENABLE_STARTTLS: "false",
      },
      retry: { attempts: 1 },
    });
  });
  afterAll(async () => {
    await mailer?.close();
    await sink?.close();
  });

  it("delivers to exactly one recipient with no injected header", async () => {
    await fc.assert(
      fc.asyncProperty(cases, async (c) => {
        const before = sink.received.length;
        const outcome = await mailer.send(messageFor(c)).catch((error: unknown) => error);
        if (mustReject(c)) {
          expect(isMailError(outcome) && outcome.code).toBe("INVALID_MESSAGE");
          expect(sink.received.length).toBe(before);
          return;
        }
        expect(isMailError(outcome) ? outcome.message : "sent").toBe("sent");
        const got = sink.received.at(-1)!;
        expect(got.rcptTo).toEqual(["ann@example.com"]);
        const { parsed } = got;
        const headerNames = [...parsed.headers.keys()];
        expect(headerNames).not.toContain("bcc");
        expect(headerNames).not.toContain("x-injected");
        expect(headerNames.filter((name) => name === "to")).toHaveLength(1);
        const to = Array.isArray(parsed.to) ? parsed.to : [parsed.to];
        expect(to.flatMap((group) => group?.value ?? []).map((a) => a.address)).toEqual(["ann@example.com"]);
        expect(squash(to[0]!.value[0]!.name)).toBe(squash(c.name));
        expect(squash(parsed.subject ?? "")).toBe(squash(c.subject));
        // Custom header values are the caller's raw header text: one that itself holds "=?" is decoded by
        // readers like any encoded-word, so only values without it must read back exactly.
        if (!c.headerValue.includes("=?")) {
          expect(squash(decodeWords(String(parsed.headers.get("x-probe"))))).toBe(squash(c.headerValue));
        }
        expect(parsed.attachments.map((a) => squash(a.filename ?? ""))).toEqual([squash(c.filename)]);
      }),
      { numRuns: 60 },
    );
  });
});

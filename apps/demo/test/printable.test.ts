import { MailError } from "@posse/mail-core";
import { defineProvider, registerProvider } from "@posse/mail-core/provider";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { main } from "../src/cli.js";
import { type SmtpInbox, startSmtpInbox } from "../src/inbox/smtp-inbox.js";
import { printable } from "../src/printable.js";
import { reportError, UsageError } from "../src/report-error.js";
import { printInboxSummary } from "../src/run-demo.js";
import { collector } from "./helpers.js";

// A vendor (or a sender) controls this text: a line break forges a log line, ESC drives the terminal.
const FORGED = "refused\n[INFO] payment sent\r\x1b[2K\x1b]8;;https://evil.test\x07click\u202e";
const ESCAPED = "refused\\n[INFO] payment sent\\r\\x1b[2K\\x1b]8;;https://evil.test\\x07click\\u202e";

beforeAll(() => {
  // A provider whose vendor answers with a hostile message id.
  registerProvider(
    defineProvider<{ token: string }>({
      id: "hostile_mail",
      label: "Hostile Mail",
      env: [{ name: "HOSTILE_MAIL_TOKEN", description: "API token", required: true, secret: true }],
      secretKeys: ["token"],
      configFromEnv: (values) => ({ token: values.HOSTILE_MAIL_TOKEN! }),
      create: () => ({
        send: async () => ({ messageId: `id-1${FORGED}` }),
        verify: async () => {},
      }),
    }),
  );
});

const inboxes: SmtpInbox[] = [];
afterEach(async () => {
  await Promise.all(inboxes.splice(0).map((inbox) => inbox.close()));
});

const lines = (text: string) => text.split("\n").slice(0, -1);

describe("printable", () => {
  it("writes control characters as escapes and leaves other text alone", () => {
    expect(printable(FORGED)).toBe(ESCAPED);
    expect(printable("Grüße ✉ \t\u0000\u007f\u0085\u2028")).toBe("Grüße ✉ \\t\\x00\\x7f\\x85\\u2028");
    expect(printable("a\nb\x1b", { keepNewlines: true })).toBe("a\nb\\x1b");
  });
});

describe("what the demo prints of untrusted text", () => {
  it("a vendor's error message (and each failover error) stays on its line, escaped", () => {
    const err = collector();
    const error = new MailError("REJECTED", `postmark said: ${FORGED}`, {
      provider: "postmark",
      errors: [new MailError("UNAVAILABLE", `resend said: ${FORGED}`, { provider: "resend" })],
    });
    reportError(error, err);
    expect(lines(err.text())).toEqual([
      `error REJECTED (postmark): postmark said: ${ESCAPED}`,
      `  - UNAVAILABLE (resend): resend said: ${ESCAPED}`,
      expect.stringMatching(/^hint: the provider refused the message/),
    ]);
  });

  it("with --verbose, the stack trace's first line is escaped too; its frames stay one per line", () => {
    const err = collector();
    reportError(new MailError("UNKNOWN", FORGED, { provider: "brevo" }), err, { verbose: true });
    const printed = lines(err.text());
    expect(printed[0]).toBe(`error UNKNOWN (brevo): ${ESCAPED}`);
    expect(printed[2]).toBe(`MailError: ${ESCAPED}`);
    expect(printed.slice(3).every((line) => /^\s+at /.test(line))).toBe(true);
    expect(err.text()).not.toMatch(/[\r\x1b\x07\u202e]/);
  });

  it("errors that are not MailErrors, and usage errors quoting an argument", () => {
    const err = collector();
    reportError(new TypeError(FORGED), err);
    reportError(new UsageError(`unknown command "${FORGED}"`), err);
    expect(lines(err.text())).toEqual([
      `error: TypeError: ${ESCAPED}`,
      "hint: run again with --verbose for the stack trace",
      `error: unknown command "${ESCAPED}"`,
      "hint: `demo --help` lists the commands and options",
    ]);
  });

  it("a vendor's message id after `demo send`", async () => {
    const stdout = collector();
    const code = await main(["send", "--to", "ann@example.com", "--subject", "Hi", "--text", "x"], {
      env: { MAIL_FROM_ADDRESS: "op@example.com", MAIL_PROVIDER: "hostile_mail", HOSTILE_MAIL_TOKEN: "t" },
      stdout,
      stderr: collector(),
    });
    expect(code).toBe(0);
    expect(lines(stdout.text()).at(-1)).toBe(`id id-1${ESCAPED}`);
  });

  it("the subject, recipients and file names of what the local inbox received", async () => {
    const inbox = await startSmtpInbox();
    inboxes.push(inbox);
    const subject = Buffer.from(`Hi${FORGED}`).toString("base64");
    const file = Buffer.from("a\r\nb\x1b.txt").toString("base64");
    await inbox.deliver(
      Buffer.from(
        [
          "From: a@localhost.test",
          `Subject: =?UTF-8?B?${subject}?=`,
          "MIME-Version: 1.0",
          'Content-Type: multipart/mixed; boundary="b"',
          "",
          "--b",
          "Content-Type: text/plain",
          "",
          "body",
          "--b",
          "Content-Type: text/plain",
          `Content-Disposition: attachment; filename="=?UTF-8?B?${file}?="`,
          "",
          "file",
          "--b--",
          "",
        ].join("\r\n"),
      ),
      { to: ["evil\n@localhost.test"] },
    );
    const out = collector();
    printInboxSummary({ smtp: inbox }, out);
    expect(lines(out.text())).toEqual([
      "The inbox received 1 message:",
      `  #1 "Hi${ESCAPED}" → evil\\n@localhost.test [a\\r\\nb\\x1b.txt]`,
    ]);
  });
});

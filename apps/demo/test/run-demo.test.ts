import { readFileSync } from "node:fs";
import type { ParsedMail } from "mailparser";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { main } from "../src/cli.js";
import type { LocalInbox } from "../src/inbox/local-inbox.js";
import {
  DEFAULT_FROM,
  DEFAULT_LOCAL_TO,
  localInboxEnv,
  printInboxSummary,
  runDemo,
} from "../src/run-demo.js";
import { fakeOutbox, registerFakeProviders } from "./fake-providers.js";
import { collector } from "./helpers.js";

const opened: LocalInbox[] = [];

beforeAll(() => {
  registerFakeProviders();
});

afterEach(async () => {
  await Promise.all(opened.splice(0).map((inbox) => inbox.close()));
});

const NOW = new Date("2025-03-01T12:00:00Z");

function addressesOf(parsed: ParsedMail, field: "from" | "to"): string[] {
  const value = parsed[field];
  const list = value === undefined ? [] : Array.isArray(value) ? value : [value];
  return list.flatMap((object) => object.value.map((entry) => entry.address ?? ""));
}

describe("runDemo with no mail variables", () => {
  it("sends the three e-mails through the SMTP provider into the local inbox", async () => {
    const out = collector();
    const run = await runDemo({ env: {}, out, emails: { now: NOW, code: "314159", token: "tok123" } });
    opened.push(run.inbox!);
    expect(run.mode).toBe("local");
    expect(run.receipts.map((r) => r.provider)).toEqual(["smtp", "smtp", "smtp"]);

    const messages = run.inbox!.smtp.messages;
    expect(messages.map((m) => m.parsed.subject)).toEqual([
      "Your POSSE Party sign-in link",
      "Your LinkedIn connection expires in 3 days",
      "[POSSE Party] PublishError in POST /posts/42/syndicate?network=linkedin",
    ]);
    for (const message of messages) {
      expect(message.envelopeTo).toEqual(["ada@localhost.test"]);
      expect(addressesOf(message.parsed, "to")).toEqual(["ada@localhost.test"]);
      expect(addressesOf(message.parsed, "from")).toEqual(["possy@localhost.test"]);
      expect(typeof message.parsed.html).toBe("string");
      expect(message.parsed.text).toBeTruthy();
    }
    // One receipt line per message, with the provider's id: the Message-ID the inbox received.
    for (const [index, receipt] of run.receipts.entries()) {
      expect(messages[index]!.parsed.messageId).toBe(receipt.messageId);
      expect(out.text()).toContain(`id ${receipt.messageId}`);
    }

    const [signIn, renewal, report] = messages.map((m) => m.parsed);
    expect(signIn!.text).toContain("https://posse-party.example/sign-in/tok123");
    expect(signIn!.text).toContain("one-time code: 314159");
    expect(signIn!.text).toContain("expire in 15 minutes (at 2025-03-01 12:15 UTC)");
    expect(signIn!.html).toContain('href="https://posse-party.example/sign-in/tok123"');
    expect(renewal!.text).toContain("https://posse-party.example/connections/linkedin/renew");
    expect(renewal!.html).toContain("Ada Lovelace (in/ada-lovelace)");
    expect(report!.text).toContain("PublishError: Could not publish post #42 to LinkedIn");
    expect(report!.text).toContain("Request id: req_7f3a9c");
    expect(report!.text).toMatch(/Stack trace:\nPublishError: .*\n\s+at /);
    expect(report!.html).toContain("&quot;&lt;ada&gt;&quot; &amp; co.");
    expect(signIn!.attachments).toHaveLength(0);
    expect(report!.attachments).toHaveLength(1);
    const [trace] = report!.attachments;
    expect(trace!.filename).toBe("stack-trace-req_7f3a9c.txt");
    expect(trace!.contentType).toBe("text/plain");
    expect(trace!.content.toString("utf8")).toMatch(
      /^PublishError: Could not publish[\s\S]*\n\s+at [\s\S]*Caused by: TypeError/,
    );

    expect(out.text()).toContain("Starting the local inbox… SMTP on 127.0.0.1:");
    expect(out.text()).toContain(`Inbox: ${run.inbox!.web.url}`);
  });

  it("uses MAIL_FROM_ADDRESS and --to when given", async () => {
    const run = await runDemo({
      env: { MAIL_FROM_ADDRESS: "Me <me@example.com>" },
      out: collector(),
      to: "you@example.org",
    });
    opened.push(run.inbox!);
    const first = run.inbox!.smtp.messages[0]!;
    expect(addressesOf(first.parsed, "from")).toEqual(["me@example.com"]);
    expect(first.envelopeTo).toEqual(["you@example.org"]);
  });

  it("passes an env object to the mailer and leaves process.env alone", () => {
    const before = { ...process.env };
    const env = localInboxEnv({ MAIL_FROM_ADDRESS: "  " }, { host: "127.0.0.1", port: 2525 });
    expect(env).toEqual({
      MAIL_PROVIDER: "smtp",
      MAIL_FROM_ADDRESS: DEFAULT_FROM,
      SMTP_HOST: "127.0.0.1",
      SMTP_PORT: "2525",
      SMTP_ENABLE_STARTTLS: "false",
      MAIL_RETRY_ATTEMPTS: "1",
    });
    expect(process.env).toEqual(before);
  });

  it("prints a summary of what arrived", async () => {
    const run = await runDemo({ env: {}, out: collector() });
    opened.push(run.inbox!);
    const out = collector();
    printInboxSummary(run.inbox!, out);
    expect(out.text()).toContain("The inbox received 3 messages:");
    expect(out.text()).toContain(`#3 "[POSSE Party] PublishError`);
    expect(out.text()).toContain("[stack-trace-req_7f3a9c.txt]");
  });
});

describe("runDemo with a configured provider", () => {
  it("sends the three e-mails through it to MAIL_FROM_ADDRESS by default, without an inbox", async () => {
    fakeOutbox.delete("acme_mail");
    const out = collector();
    const run = await runDemo({
      env: { MAIL_FROM_ADDRESS: "Op <op@example.com>", ACME_MAIL_TOKEN: "secret-token" },
      out,
    });
    expect(run.mode).toBe("provider");
    expect(run.inbox).toBeUndefined();
    expect(run.receipts.map((r) => r.messageId)).toEqual(["acme_mail-1", "acme_mail-2", "acme_mail-3"]);
    expect(fakeOutbox.get("acme_mail")!.map((m) => m.to)).toEqual([
      ["op@example.com"],
      ["op@example.com"],
      ["op@example.com"],
    ]);
    expect(out.text()).toContain("sending through acme_mail (detected from its variables)");
    expect(out.text()).toContain("3/3 error report");
    expect(out.text()).not.toContain("secret-token");
  });

  it("sends to --to when given", async () => {
    fakeOutbox.delete("beta_mail");
    await runDemo({
      env: { MAIL_FROM_ADDRESS: "op@example.com", MAIL_PROVIDER: "beta_mail", BETA_MAIL_TOKEN: "t0ken" },
      out: collector(),
      to: "Ann <ann@example.net>",
    });
    expect(fakeOutbox.get("beta_mail")!.every((m) => m.to[0] === "ann@example.net")).toBe(true);
  });

  it("fails with a CONFIG MailError when MAIL_PROVIDER lacks variables", async () => {
    const run = runDemo({
      env: { MAIL_FROM_ADDRESS: "op@example.com", MAIL_PROVIDER: "postmark" },
      out: collector(),
    });
    await expect(run).rejects.toMatchObject({
      code: "CONFIG",
      message: expect.stringContaining("POSTMARK_API_TOKEN"),
    });
  });
});

describe("main", () => {
  it("--exit: sends, lists what the inbox received, closes it and returns 0", async () => {
    const stdout = collector();
    const stderr = collector();
    const code = await main(["--exit"], { env: {}, stdout, stderr });
    expect(stderr.text()).toBe("");
    expect(code).toBe(0);
    expect(stdout.text()).toContain("The inbox received 3 messages:");
    expect(stdout.text()).toContain(`→ ${DEFAULT_LOCAL_TO.replace(/.*<|>/g, "")}`);
  });

  it("--events --exit: posts a signed sample of each vendor and a forged one, lists each message's events", async () => {
    const stdout = collector();
    const stderr = collector();
    const code = await main(["--events", "--exit"], { env: {}, stdout, stderr });
    expect(stderr.text()).toBe("");
    expect(code).toBe(0);
    const posts = stdout
      .text()
      .split("\n")
      .filter((line) => line.startsWith("  POST /webhooks/"));
    expect(posts).toEqual([
      "  POST /webhooks/amazon-ses  Delivery of #1… 200 accepted",
      "  POST /webhooks/postmark    Open of #1… 200 accepted",
      "  POST /webhooks/resend      email.clicked of #1… 200 accepted",
      "  POST /webhooks/sendgrid    deferred + delivered of #2… 200 accepted",
      "  POST /webhooks/mailgun     clicked of #2… 200 accepted",
      "  POST /webhooks/brevo       hard_bounce of #3… 200 accepted",
      "  POST /webhooks/mailjet     sent of #1… 200 accepted",
      "  POST /webhooks/resend      forged email.clicked of #3 (body changed after signing)… 401 refused",
    ]);
    expect(stdout.text()).toContain(
      '#1 "Your POSSE Party sign-in link" → ada@localhost.test\n' +
        "      events: delivered (amazon_ses), opened (postmark), clicked (resend)\n",
    );
    expect(stdout.text()).toContain(
      "      events: deferred (sendgrid), delivered (sendgrid), clicked (mailgun)\n",
    );
    expect(stdout.text()).toContain("[stack-trace-req_7f3a9c.txt]\n      events: bounced (brevo)\n");
    expect(stdout.text()).toContain("  events about other messages: delivered (mailjet)\n");
  });

  it("--events: refused with exit code 2 with a command, or when a provider is configured (no local inbox)", async () => {
    const withCommand = collector();
    expect(await main(["doctor", "--events"], { env: {}, stdout: collector(), stderr: withCommand })).toBe(2);
    expect(withCommand.text()).toContain("--events goes with the demo run (no command): demo --events");
    const configured = collector();
    const env = { MAIL_PROVIDER: "acme_mail", ACME_MAIL_TOKEN: "t", MAIL_FROM_ADDRESS: "op@example.com" };
    expect(await main(["--events"], { env, stdout: collector(), stderr: configured })).toBe(2);
    expect(configured.text()).toContain(
      "--events posts to the local inbox, which runs only when no provider is configured",
    );
  });

  it("keeps serving until the signal aborts", async () => {
    const controller = new AbortController();
    const stdout = collector();
    const done = main([], { env: {}, stdout, stderr: collector(), signal: controller.signal });
    // The inbox URL is printed once the three e-mails are in; stop then.
    await stdout.waitFor("Serving until Ctrl-C.");
    const url = /Inbox: (\S+)/.exec(stdout.text())![1]!;
    expect((await fetch(url)).status).toBe(200);
    controller.abort();
    expect(await done).toBe(0);
    expect(stdout.text()).toContain("Stopping the local inbox.");
    expect(stdout.text()).toContain("Open the inbox URL in a browser to read them. Serving until Ctrl-C.\n");
    await expect(fetch(url)).rejects.toThrow();
  });

  it("send, serving one message: says read it, not read them", async () => {
    const controller = new AbortController();
    const stdout = collector();
    const argv = ["send", "--to", "a@b.co", "--subject", "x", "--text", "y"];
    const done = main(argv, { env: {}, stdout, stderr: collector(), signal: controller.signal });
    await stdout.waitFor("Serving until Ctrl-C.");
    controller.abort();
    expect(await done).toBe(0);
    expect(stdout.text()).toContain("\nOpen the inbox URL in a browser to read it. Serving until Ctrl-C.\n");
  });

  it("prints code, provider and hint for a MailError, and no stack trace", async () => {
    const stderr = collector();
    const code = await main([], {
      env: { MAIL_FROM_ADDRESS: "op@example.com", MAIL_PROVIDER: "postmark" },
      stdout: collector(),
      stderr,
    });
    expect(code).toBe(1);
    expect(stderr.text()).toBe(
      "error CONFIG (postmark): MAIL_PROVIDER=postmark: POSTMARK_API_TOKEN must be set\n" +
        "hint: fix the variables named above; `demo doctor` shows what is set and what is missing\n",
    );
  });

  it("the README's error example is what the demo prints for the variables the README names", async () => {
    const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");
    const example = /\*\*Errors\*\*[\s\S]*?```text\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(example, "README.md has an ```text block after **Errors**").toBeDefined();
    const stderr = collector();
    // "with `MAIL_PROVIDER=postmark` and `MAIL_FROM_ADDRESS` set but no `POSTMARK_API_TOKEN`"
    const env = { MAIL_PROVIDER: "postmark", MAIL_FROM_ADDRESS: "op@example.com" };
    expect(await main([], { env, stdout: collector(), stderr })).toBe(1);
    expect(stderr.text()).toBe(example);
  });

  it("rejects unknown commands and options with exit code 2", async () => {
    const stderr = collector();
    expect(await main(["launch"], { env: {}, stdout: collector(), stderr })).toBe(2);
    expect(stderr.text()).toContain('error: unknown command "launch"');
    expect(await main(["--bogus"], { env: {}, stdout: collector(), stderr: collector() })).toBe(2);
    expect(await main(["--port", "x"], { env: {}, stdout: collector(), stderr: collector() })).toBe(2);
  });

  it("prints the usage for --help", async () => {
    const stdout = collector();
    expect(await main(["--help"], { env: {}, stdout, stderr: collector() })).toBe(0);
    expect(stdout.text()).toContain("Usage: demo [command] [options]");
  });

  it("send: one ad-hoc message through the configured provider", async () => {
    fakeOutbox.delete("acme_mail");
    const stdout = collector();
    const code = await main(["send", "--to", "ann@example.com", "--subject", "Hi", "--text", "Hello"], {
      env: { MAIL_FROM_ADDRESS: "op@example.com", ACME_MAIL_TOKEN: "tok" },
      stdout,
      stderr: collector(),
    });
    expect(code).toBe(0);
    expect(fakeOutbox.get("acme_mail")).toEqual([{ to: ["ann@example.com"], subject: "Hi" }]);
    expect(stdout.text()).toMatch(
      /Sending "Hi" to ann@example.com through acme_mail… sent via acme_mail\nid acme_mail-1\n/,
    );
  });

  it("send: needs --to, --subject and a body", async () => {
    const stderr = collector();
    const env = { MAIL_FROM_ADDRESS: "op@example.com", ACME_MAIL_TOKEN: "tok" };
    expect(await main(["send", "--subject", "Hi", "--text", "x"], { env, stdout: collector(), stderr })).toBe(
      2,
    );
    expect(stderr.text()).toContain("send needs --to <address>");
    expect(await main(["send", "--to", "a@b.co", "--text", "x"], { env, stdout: collector(), stderr })).toBe(
      2,
    );
    expect(
      await main(["send", "--to", "a@b.co", "--subject", "x"], { env, stdout: collector(), stderr }),
    ).toBe(2);
  });

  it("send: an invalid recipient is an INVALID_MESSAGE error with a hint", async () => {
    const stderr = collector();
    const code = await main(["send", "--to", "not-an-address", "--subject", "Hi", "--text", "x"], {
      env: { MAIL_FROM_ADDRESS: "op@example.com", ACME_MAIL_TOKEN: "tok" },
      stdout: collector(),
      stderr,
    });
    expect(code).toBe(1);
    expect(stderr.text()).toMatch(/^error INVALID_MESSAGE: .*\nhint: fix the message field "to/);
  });

  it("send: with nothing configured, delivers to the local inbox (--exit lists it and stops)", async () => {
    const stdout = collector();
    const stderr = collector();
    const code = await main(["send", "--to", "a@b.co", "--subject", "x", "--text", "y", "--exit"], {
      env: { MAIL_FROM_ADDRESS: "op@example.com" },
      stdout,
      stderr,
    });
    expect(stderr.text()).toBe("");
    expect(code).toBe(0);
    expect(stdout.text()).toMatch(
      /Sending "x" to a@b\.co through smtp… sent via smtp\nid <[^>]+>\nInbox: http/,
    );
    expect(stdout.text()).toContain('The inbox received 1 message:\n  #1 "x" → a@b.co\n');
  });
});

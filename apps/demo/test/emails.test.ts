import { describe, expect, it } from "vitest";
import { credentialRenewalEmail } from "../src/emails/credential-renewal.js";
import { demoEmails, sampleError } from "../src/emails/demo-emails.js";
import { errorClass, errorReportEmail, fullTrace } from "../src/emails/error-report.js";
import { escapeHtml, safeHref } from "../src/emails/html.js";
import { signInEmail } from "../src/emails/sign-in.js";

const now = new Date("2025-03-01T12:00:00Z");

describe("escapeHtml", () => {
  it("escapes the five special characters", () => {
    expect(escapeHtml(`<a href="x">Tom & 'Jerry'</a>`)).toBe(
      "&lt;a href=&quot;x&quot;&gt;Tom &amp; &#39;Jerry&#39;&lt;/a&gt;",
    );
  });

  it("only lets http(s) URLs into links", () => {
    expect(safeHref("https://example.com/?a=1&b=2")).toBe("https://example.com/?a=1&amp;b=2");
    expect(safeHref("javascript:alert(1)")).toBe("#");
  });
});

describe("sign-in e-mail", () => {
  const email = signInEmail({
    appName: "Demo <App>",
    link: "https://app.example/sign-in/tok?x=1&y=2",
    code: "042917",
    expiresAt: new Date("2025-03-01T12:15:00Z"),
    validMinutes: 15,
  });

  it("has the link, the code and the expiry in text and HTML", () => {
    expect(email.subject).toBe("Your Demo <App> sign-in link");
    expect(email.text).toContain("https://app.example/sign-in/tok?x=1&y=2");
    expect(email.text).toContain("042917");
    expect(email.text).toContain("expire in 15 minutes (at 2025-03-01 12:15 UTC)");
    expect(email.html).toContain('href="https://app.example/sign-in/tok?x=1&amp;y=2"');
    expect(email.html).toContain(">042917<");
  });

  it("escapes the application's name in HTML", () => {
    expect(email.html).toContain("Sign in to Demo &lt;App&gt;");
    expect(email.html).not.toContain("<App>");
  });
});

describe("credential-renewal e-mail", () => {
  it("names the network, the account, the expiry and the renewal link", () => {
    const email = credentialRenewalEmail({
      appName: "POSSE Party",
      network: "LinkedIn",
      account: "Ada <ada>",
      expiresAt: new Date("2025-03-04T12:00:00Z"),
      daysLeft: 3,
      renewUrl: "https://app.example/connections/linkedin/renew",
    });
    expect(email.subject).toBe("Your LinkedIn connection expires in 3 days");
    expect(email.text).toContain("https://app.example/connections/linkedin/renew");
    expect(email.text).toContain("2025-03-04 12:00 UTC");
    expect(email.html).toContain('href="https://app.example/connections/linkedin/renew"');
    expect(email.html).toContain("Ada &lt;ada&gt;");
  });
});

describe("error-report e-mail", () => {
  const error = sampleError();
  const email = errorReportEmail({
    appName: "POSSE Party",
    error,
    request: { method: "POST", url: "/posts/1", requestId: "req/1", user: "ada", at: now },
  });

  it("has the class, the message, the request and the full trace with its cause", () => {
    expect(errorClass(error)).toBe("PublishError");
    expect(email.subject).toBe("[POSSE Party] PublishError in POST /posts/1");
    expect(email.text).toContain(`PublishError: ${error.message}`);
    expect(email.text).toContain("Request id: req/1");
    expect(email.text).toContain("Caused by: TypeError");
    expect(fullTrace(error)).toMatch(/at publishToLinkedIn/);
    expect(email.text).toContain(fullTrace(error));
  });

  it("escapes the message and the trace in HTML", () => {
    expect(error.message).toContain('"<ada>" & co.');
    expect(email.html).toContain("&quot;&lt;ada&gt;&quot; &amp; co.");
    expect(email.html).not.toContain("<ada>");
  });

  it("attaches the trace as a .txt file with a safe name", () => {
    expect(email.attachments).toHaveLength(1);
    const [attachment] = email.attachments!;
    expect(attachment!.filename).toBe("stack-trace-req_1.txt");
    expect(attachment!.contentType).toBe("text/plain; charset=utf-8");
    expect(attachment!.content).toContain(fullTrace(error));
  });
});

describe("demoEmails", () => {
  it("builds the three e-mails for one recipient, with the given code and token", () => {
    const emails = demoEmails("ann@example.com", { now, code: "123456", token: "tok" });
    expect(emails.map((email) => email.label)).toEqual([
      "sign-in link",
      "credential renewal",
      "error report",
    ]);
    expect(emails.every((email) => email.message.to === "ann@example.com")).toBe(true);
    expect(emails[0]!.message.text).toContain("/sign-in/tok");
    expect(emails[0]!.message.text).toContain("123456");
    expect(emails[0]!.message.text).toContain("2025-03-01 12:15 UTC");
  });

  it("makes a fresh six-digit code and token each time by default", () => {
    const [a] = demoEmails("ann@example.com", { now });
    const [b] = demoEmails("ann@example.com", { now });
    expect(a!.message.text).toMatch(/one-time code: \d{6}\n/);
    expect(a!.message.text).not.toBe(b!.message.text);
  });
});

import { MailError } from "@posse/mail-core";
import { findSecret } from "@posse/mail-core/testing";
import { describe, expect, it } from "vitest";
import {
  createFakeClock,
  createTelemetry,
  mailerOver,
  scriptedProvider,
  sendAndAttempts,
} from "./support/harness.js";

const PRIVATE = [
  "ann.private",
  "cc.person",
  "hidden.bcc",
  "Doe, Ann",
  "Your reset code",
  "918273",
  "passport-scan",
  "reset-918273",
  "vip-customer",
  "user-4711",
];

const message = {
  to: { address: "ann.private@example.org", name: "Doe, Ann" },
  cc: "cc.person@example.org",
  bcc: "hidden.bcc@example.org",
  subject: "Your reset code",
  text: "Code 918273",
  html: "<p>Code 918273</p>",
  attachments: [{ filename: "passport-scan.pdf", content: new Uint8Array(10) }],
  idempotencyKey: "reset-918273",
  tags: ["vip-customer"],
  metadata: { user: "user-4711" },
};

/** A vendor refusal that quotes the recipient, as vendors do. */
const quoting = new MailError("REJECTED", "a refused: ann.private@example.org is on the suppression list", {
  status: 422,
});

async function sendOnce(hookOptions: { recordPersonalData?: boolean }) {
  const clock = createFakeClock();
  const otel = createTelemetry();
  const a = scriptedProvider("a", clock, [quoting]);
  const b = scriptedProvider("b", clock);
  // eventsIncludeMessage puts the message in the events: the telemetry must still leave it out by default.
  const mailer = await mailerOver([a, b], clock, {
    hooks: otel.hooks(hookOptions),
    eventsIncludeMessage: true,
  });
  await clock.settle(mailer.send(message));
  return otel;
}

describe("personal data", () => {
  it("no address, name, subject, body, file name, key, tag, metadata or vendor text in any span or metric by default", async () => {
    const otel = await sendOnce({});
    const spans = otel.spans();
    expect(spans).toHaveLength(3);
    const recorded = spans.map((span) => ({
      name: span.name,
      attributes: span.attributes,
      status: span.status,
      events: span.events,
      links: span.links,
    }));
    expect(findSecret(recorded, PRIVATE)).toBeUndefined();
    expect(findSecret(await otel.metrics(), PRIVATE)).toBeUndefined();
    // What was recorded instead: the code, not the vendor's text.
    expect(spans.find((span) => span.name === "send mail a")?.status).toEqual({
      code: 2,
      message: "REJECTED",
    });
  });

  it("recordPersonalData: true adds the recipients, the subject and the error text, never the body", async () => {
    const otel = await sendOnce({ recordPersonalData: true });
    const { send, attempts } = sendAndAttempts(otel.spans());
    expect(send.attributes).toMatchObject({
      "posse_mail.recipients": ["ann.private@example.org", "cc.person@example.org", "hidden.bcc@example.org"],
      "posse_mail.subject": "Your reset code",
    });
    expect(attempts[0]!.status.message).toContain("ann.private@example.org is on the suppression list");
    expect(
      findSecret(
        otel.spans().map((span) => span.attributes),
        ["918273 ", "Code 918273"],
      ),
    ).toBeUndefined();
    expect(findSecret(await otel.metrics(), PRIVATE)).toBeUndefined();
  });
});

import { SpanKind, SpanStatusCode } from "@opentelemetry/api";
import { MailError } from "@posse/mail-core";
import { unsupportedField } from "@posse/mail-core/provider";
import { describe, expect, it } from "vitest";
import {
  attributesOf,
  createFakeClock,
  createTelemetry,
  mailerOver,
  OK,
  scriptedProvider,
  sendAndAttempts,
} from "./support/harness.js";

const message = {
  to: "ann@example.com",
  subject: "Hello",
  text: "Hi Ann",
  attachments: [
    { filename: "a.txt", content: new Uint8Array(1000) },
    { filename: "b.txt", content: "héllo" },
  ],
};

describe("mailTelemetry: traces and metrics of each send", () => {
  it("a successful send: one send span with one attempt span under it, counted and timed in seconds", async () => {
    const clock = createFakeClock();
    const otel = createTelemetry();
    const acme = scriptedProvider("acme", clock, [{ after: 40, play: "ok" }]);
    const mailer = await mailerOver([acme], clock, { hooks: otel.hooks() });
    await expect(clock.settle(mailer.send(message))).resolves.toEqual({
      provider: "acme",
      messageId: "acme-msg-1",
    });

    const spans = otel.spans();
    expect(spans).toHaveLength(2);
    const { send, attempts } = sendAndAttempts(spans);
    expect(send.kind).toBe(SpanKind.PRODUCER);
    expect(send.parentSpanContext).toBeUndefined();
    expect(send.status).toEqual(OK);
    expect(attributesOf(send)).toEqual({
      "messaging.operation.type": "send",
      "messaging.operation.name": "send",
      "messaging.system": "acme",
      "messaging.message.id": "acme-msg-1",
      "posse_mail.providers": ["acme"],
      "posse_mail.provider": "acme",
      "posse_mail.outcome": "sent",
      "posse_mail.attempts": 1,
      "posse_mail.failovers": 0,
      "posse_mail.attachment.count": 2,
      "posse_mail.attachment.size": 1006,
    });
    expect(attempts.map((span) => [span.name, span.kind])).toEqual([["send mail acme", SpanKind.CLIENT]]);
    expect(attributesOf(attempts[0]!)).toEqual({
      "messaging.operation.type": "send",
      "messaging.operation.name": "send",
      "messaging.system": "acme",
      "messaging.message.id": "acme-msg-1",
      "posse_mail.provider": "acme",
      "posse_mail.attempt": 1,
      "posse_mail.failover.position": 0,
      "posse_mail.outcome": "sent",
    });
    expect(attempts[0]!.spanContext().traceId).toBe(send.spanContext().traceId);

    const metrics = await otel.metrics();
    const sent = { "posse_mail.provider": "acme", "posse_mail.outcome": "sent" };
    expect(metrics["posse_mail.sends"]).toEqual([{ attributes: sent, value: 1 }]);
    expect(metrics["posse_mail.attempts"]).toEqual([{ attributes: sent, value: 1 }]);
    expect(metrics["posse_mail.send.duration"]).toEqual([{ attributes: sent, value: 1, sum: 0.04 }]);
    expect(metrics["posse_mail.attempt.duration"]).toEqual([{ attributes: sent, value: 1, sum: 0.04 }]);
    expect(metrics["posse_mail.retries"]).toBeUndefined();
    expect(metrics["posse_mail.failovers"]).toBeUndefined();
  });

  it("a retried send: the failed attempt's span has error.type, will_retry and an error status; retries counted", async () => {
    const clock = createFakeClock();
    const otel = createTelemetry();
    const acme = scriptedProvider("acme", clock, [
      { after: 30, play: new MailError("UNAVAILABLE", "acme is down (503)", { status: 503 }) },
      { after: 20, play: "ok" },
    ]);
    const mailer = await mailerOver([acme], clock, { hooks: otel.hooks(), retry: { attempts: 3 } });
    await expect(clock.settle(mailer.send(message))).resolves.toMatchObject({ messageId: "acme-msg-2" });

    const { send, attempts } = sendAndAttempts(otel.spans());
    expect(send.status).toEqual(OK);
    expect(send.attributes).toMatchObject({ "posse_mail.attempts": 2, "posse_mail.outcome": "sent" });
    expect(attempts.map((span) => [span.attributes["posse_mail.attempt"], span.status])).toEqual([
      [1, { code: SpanStatusCode.ERROR, message: "UNAVAILABLE" }],
      [2, OK],
    ]);
    expect(attributesOf(attempts[0]!)).toEqual({
      "messaging.operation.type": "send",
      "messaging.operation.name": "send",
      "messaging.system": "acme",
      "posse_mail.provider": "acme",
      "posse_mail.attempt": 1,
      "posse_mail.failover.position": 0,
      "posse_mail.outcome": "failed",
      "posse_mail.will_retry": true,
      "error.type": "UNAVAILABLE",
    });

    const metrics = await otel.metrics();
    expect(metrics["posse_mail.retries"]).toEqual([
      { attributes: { "posse_mail.provider": "acme", "error.type": "UNAVAILABLE" }, value: 1 },
    ]);
    expect(metrics["posse_mail.attempts"]).toEqual([
      {
        attributes: {
          "posse_mail.provider": "acme",
          "posse_mail.outcome": "failed",
          "error.type": "UNAVAILABLE",
        },
        value: 1,
      },
      { attributes: { "posse_mail.provider": "acme", "posse_mail.outcome": "sent" }, value: 1 },
    ]);
    // 30 ms, the 125 ms backoff, then 20 ms: the send counts all of it, each attempt only its request.
    expect(metrics["posse_mail.send.duration"]).toEqual([
      { attributes: { "posse_mail.provider": "acme", "posse_mail.outcome": "sent" }, value: 1, sum: 0.175 },
    ]);
    expect(metrics["posse_mail.attempt.duration"]?.map((point) => point.sum)).toEqual([0.03, 0.02]);
  });

  it("a failover: attempt spans say each provider's position; the failover is counted against the provider left", async () => {
    const clock = createFakeClock();
    const otel = createTelemetry();
    const a = scriptedProvider("a", clock, [new MailError("AUTH", "a refused the key", { status: 401 })]);
    const b = scriptedProvider("b", clock);
    const mailer = await mailerOver([a, b], clock, { hooks: otel.hooks() });
    await expect(clock.settle(mailer.send(message))).resolves.toEqual({
      provider: "b",
      messageId: "b-msg-1",
    });

    const { send, attempts } = sendAndAttempts(otel.spans());
    expect(send.attributes).toMatchObject({
      "posse_mail.providers": ["a", "b"],
      // The provider that accepted it, as posse_mail.provider: the first of the chain only until then.
      "messaging.system": "b",
      "posse_mail.provider": "b",
      "posse_mail.attempts": 2,
      "posse_mail.failovers": 1,
      "posse_mail.outcome": "sent",
      "messaging.message.id": "b-msg-1",
    });
    expect(
      attempts.map((span) => [
        span.name,
        span.attributes["messaging.system"],
        span.attributes["posse_mail.failover.position"],
        span.attributes["posse_mail.will_retry"],
        span.attributes["error.type"],
      ]),
    ).toEqual([
      ["send mail a", "a", 0, false, "AUTH"],
      ["send mail b", "b", 1, undefined, undefined],
    ]);
    const metrics = await otel.metrics();
    expect(metrics["posse_mail.failovers"]).toEqual([
      { attributes: { "posse_mail.provider": "a", "error.type": "AUTH" }, value: 1 },
    ]);
    expect(metrics["posse_mail.sends"]).toEqual([
      { attributes: { "posse_mail.provider": "b", "posse_mail.outcome": "sent" }, value: 1 },
    ]);
  });

  it("an abort: the send span and its attempt end with error.type ABORTED and an error status", async () => {
    const clock = createFakeClock();
    const otel = createTelemetry();
    const hanging = scriptedProvider("acme", clock, [
      ({ signal }) =>
        new Promise((_, reject) => signal.addEventListener("abort", () => reject(signal.reason))),
    ]);
    const mailer = await mailerOver([hanging], clock, { hooks: otel.hooks() });
    const controller = new AbortController();
    const sending = mailer.send(message, { signal: controller.signal });
    await new Promise((resolve) => setImmediate(resolve));
    controller.abort(new Error("the user left"));
    await expect(sending).rejects.toMatchObject({ code: "ABORTED" });

    const { send, attempts } = sendAndAttempts(otel.spans());
    expect(send.status).toEqual({ code: SpanStatusCode.ERROR, message: "ABORTED" });
    expect(send.attributes).toMatchObject({
      "error.type": "ABORTED",
      "posse_mail.outcome": "failed",
      "posse_mail.provider": "acme",
      "posse_mail.attempts": 1,
    });
    expect(
      attempts.map((span) => [span.attributes["error.type"], span.attributes["posse_mail.will_retry"]]),
    ).toEqual([["ABORTED", false]]);
    const metrics = await otel.metrics();
    expect(metrics["posse_mail.sends"]).toEqual([
      {
        attributes: {
          "posse_mail.provider": "acme",
          "posse_mail.outcome": "failed",
          "error.type": "ABORTED",
        },
        value: 1,
      },
    ]);
  });

  it("an UNSUPPORTED refusal: one attempt, no failover, error.type UNSUPPORTED on both spans", async () => {
    const clock = createFakeClock();
    const otel = createTelemetry();
    const strict = scriptedProvider("strict", clock, [
      unsupportedField("strict", "tags", "strict takes one tag"),
    ]);
    const spare = scriptedProvider("spare", clock);
    const mailer = await mailerOver([strict, spare], clock, { hooks: otel.hooks() });
    await expect(clock.settle(mailer.send({ ...message, tags: ["a", "b"] }))).rejects.toMatchObject({
      code: "UNSUPPORTED",
    });
    expect(spare.seen).toEqual([]);

    const { send, attempts } = sendAndAttempts(otel.spans());
    expect(send.status).toEqual({ code: SpanStatusCode.ERROR, message: "UNSUPPORTED" });
    expect(send.attributes).toMatchObject({
      "error.type": "UNSUPPORTED",
      "posse_mail.provider": "strict",
      "posse_mail.attempts": 1,
      "posse_mail.failovers": 0,
    });
    expect(attempts).toHaveLength(1);
    expect(attempts[0]!.attributes).toMatchObject({
      "error.type": "UNSUPPORTED",
      "posse_mail.will_retry": false,
    });
    const metrics = await otel.metrics();
    expect(metrics["posse_mail.failovers"]).toBeUndefined();
    expect(metrics["posse_mail.sends"]).toEqual([
      {
        attributes: {
          "posse_mail.provider": "strict",
          "posse_mail.outcome": "failed",
          "error.type": "UNSUPPORTED",
        },
        value: 1,
      },
    ]);
  });

  it("an invalid message: a send span with INVALID_MESSAGE and no attempt", async () => {
    const clock = createFakeClock();
    const otel = createTelemetry();
    const mailer = await mailerOver([scriptedProvider("acme", clock)], clock, { hooks: otel.hooks() });
    await expect(mailer.send({ ...message, to: "not an address" })).rejects.toMatchObject({
      code: "INVALID_MESSAGE",
    });
    const spans = otel.spans();
    expect(spans.map((span) => span.name)).toEqual(["send mail"]);
    expect(attributesOf(spans[0]!)).toEqual({
      "messaging.operation.type": "send",
      "messaging.operation.name": "send",
      "messaging.system": "acme",
      "posse_mail.providers": ["acme"],
      "posse_mail.outcome": "failed",
      "posse_mail.attempts": 0,
      "posse_mail.failovers": 0,
      "error.type": "INVALID_MESSAGE",
    });
    expect(await otel.metrics()).toMatchObject({
      "posse_mail.sends": [
        { attributes: { "posse_mail.outcome": "failed", "error.type": "INVALID_MESSAGE" }, value: 1 },
      ],
    });
  });
});

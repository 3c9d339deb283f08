import { metrics, trace } from "@opentelemetry/api";
import { createMailerFromEnv } from "@posse/mail-core";
import { registerProvider } from "@posse/mail-core/provider";
import { afterEach, describe, expect, it } from "vitest";
import { mailTelemetry } from "../src/index.js";
import { createFakeClock, createTelemetry, mailerOver, scriptedProvider } from "./support/harness.js";

// Each test registers the SDK itself; none may find another's global providers.
afterEach(() => {
  trace.disable();
  metrics.disable();
});

describe("the README's lines, with the SDK registered globally", () => {
  it("createMailerFromEnv({ hooks: mailTelemetry() }) records to the global providers, even ones registered after it", async () => {
    const clock = createFakeClock();
    registerProvider(scriptedProvider("otel_acme", clock).definition);
    const mailer = await createMailerFromEnv({
      env: { MAIL_PROVIDER: "otel_acme", MAIL_FROM_ADDRESS: "app@example.com" },
      hooks: mailTelemetry(),
      clock,
    });
    // The application's OpenTelemetry set-up runs after the mailer was created.
    const otel = createTelemetry();
    trace.setGlobalTracerProvider(otel.tracerProvider);
    metrics.setGlobalMeterProvider(otel.meterProvider);

    await mailer.send({ to: "ann@example.com", subject: "Hello", text: "Hi" });
    expect(otel.spans().map((span) => span.name)).toEqual(["send mail otel_acme", "send mail"]);
    expect((await otel.metrics())["posse_mail.sends"]).toEqual([
      { attributes: { "posse_mail.provider": "otel_acme", "posse_mail.outcome": "sent" }, value: 1 },
    ]);
  });

  it("a send before the SDK is registered loses only its own telemetry: the sends after it are measured", async () => {
    const clock = createFakeClock();
    const mailer = await mailerOver([scriptedProvider("early", clock)], clock, { hooks: mailTelemetry() });
    // A worker that sends before the application's OpenTelemetry set-up has run.
    await mailer.send({ to: "ann@example.com", subject: "Hello", text: "Hi" });
    const otel = createTelemetry();
    trace.setGlobalTracerProvider(otel.tracerProvider);
    metrics.setGlobalMeterProvider(otel.meterProvider);

    await mailer.send({ to: "ann@example.com", subject: "Hello", text: "Hi" });
    expect(otel.spans().map((span) => span.name)).toEqual(["send mail early", "send mail"]);
    const sent = { "posse_mail.provider": "early", "posse_mail.outcome": "sent" };
    expect(await otel.metrics()).toMatchObject({
      "posse_mail.sends": [{ attributes: sent, value: 1 }],
      "posse_mail.attempts": [{ attributes: sent, value: 1 }],
      "posse_mail.send.duration": [{ attributes: sent, value: 1 }],
    });
  });
});

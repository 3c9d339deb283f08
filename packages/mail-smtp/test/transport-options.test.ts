// What nodemailer is told for a config: a bounded pool, TLS required and verified, no SDK-side retries.
import { describe, expect, it } from "vitest";
import { DEFAULT_MAX_CONNECTIONS, transportOptions } from "../src/transport.js";

const base = { host: "h.example", port: 587, startTls: true };
const context = { timeoutMs: 7_000, now: Date.now };

describe("smtp transport options", () => {
  it("turns the config into nodemailer options: TLS required and verified, a bounded pool, no SDK retries", () => {
    expect(transportOptions({ ...base, username: "u", password: "p" }, context)).toEqual({
      host: "h.example",
      port: 587,
      secure: false,
      requireTLS: true,
      tls: { rejectUnauthorized: true },
      auth: { user: "u", pass: "p" },
      connectionTimeout: 7_000,
      greetingTimeout: 7_000,
      socketTimeout: 7_000,
      disableFileAccess: true,
      disableUrlAccess: true,
      pool: true,
      maxConnections: DEFAULT_MAX_CONNECTIONS,
      maxRequeues: 0,
    });
    expect(DEFAULT_MAX_CONNECTIONS).toBe(5);
    expect(transportOptions({ ...base, port: 465 }, context)).toMatchObject({ secure: true });
    expect(transportOptions({ ...base, port: 465 }, context)).not.toHaveProperty("requireTLS");
    expect(transportOptions(base, context)).not.toHaveProperty("auth");
    expect(
      transportOptions(
        { ...base, tls: { ca: "CA", rejectUnauthorized: false }, name: "app.example" },
        context,
      ),
    ).toMatchObject({ tls: { ca: "CA", rejectUnauthorized: true }, name: "app.example" });
    expect(transportOptions({ ...base, maxConnections: 2 }, context)).toMatchObject({
      pool: true,
      maxConnections: 2,
      maxRequeues: 0,
    });
  });

  it("keeps the session plain when STARTTLS is switched off, even if the server offers it", () => {
    const options = transportOptions({ ...base, startTls: false }, context);
    expect(options).toMatchObject({ secure: false, ignoreTLS: true });
    expect(options).not.toHaveProperty("requireTLS");
    expect(options).not.toHaveProperty("opportunisticTLS");
  });
});

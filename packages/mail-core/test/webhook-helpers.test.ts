import { afterEach, describe, expect, it, vi } from "vitest";
import {
  fromBase64,
  hmacSha256,
  missingWebhookSecret,
  parseJsonBody,
  refuseStaleTimestamp,
  toBase64,
  toHex,
  WebhookError,
  warnUnverifiedWebhook,
} from "../src/provider.js";

afterEach(() => vi.restoreAllMocks());

describe("crypto helpers", () => {
  it("computes HMAC-SHA256 as RFC 4231 test case 2 gives it", async () => {
    const mac = await hmacSha256("Jefe", "what do ya want for nothing?");
    expect(toHex(mac)).toBe("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  });

  it("round-trips base64 and refuses text that is not base64", () => {
    const bytes = new Uint8Array([0, 255, 128, 7]);
    expect(toBase64(bytes)).toBe(Buffer.from(bytes).toString("base64"));
    expect(fromBase64(toBase64(bytes))).toEqual(bytes);
    expect(fromBase64("not base64!")).toBeUndefined();
  });
});

describe("refuseStaleTimestamp", () => {
  it("accepts a timestamp inside the window, past or future, and refuses one outside with 403", () => {
    expect(() => refuseStaleTimestamp(1_000_000 - 300_000, 1_000_000, 300_000)).not.toThrow();
    expect(() => refuseStaleTimestamp(1_000_000 + 300_000, 1_000_000, 300_000)).not.toThrow();
    for (const stamp of [1_000_000 - 300_001, 1_000_000 + 300_001, Number.NaN]) {
      expect(() => refuseStaleTimestamp(stamp, 1_000_000, 300_000)).toThrow(
        expect.objectContaining({ status: 403 }),
      );
    }
  });
});

describe("parseJsonBody", () => {
  it("refuses text that is not JSON or not UTF-8 with 400", () => {
    expect(parseJsonBody(new TextEncoder().encode('{"a":[1]}'))).toEqual({ a: [1] });
    for (const body of [
      new TextEncoder().encode("{a"),
      new Uint8Array([0x22, 0xff, 0x22]),
      new Uint8Array(),
    ]) {
      expect(() => parseJsonBody(body)).toThrow(expect.objectContaining({ status: 400 }));
    }
    expect(() => parseJsonBody(new Uint8Array())).toThrow(WebhookError);
  });
});

describe("missing secret and opt-out", () => {
  it("names the variables and the opt-out in a CONFIG error", () => {
    const error = missingWebhookSecret("acme", ["ACME_WEBHOOK_KEY", "ACME_WEBHOOK_TOKEN"]);
    expect(error.code).toBe("CONFIG");
    expect(error.provider).toBe("acme");
    expect(error.field).toBe("ACME_WEBHOOK_KEY");
    expect(error.message).toContain("ACME_WEBHOOK_KEY or ACME_WEBHOOK_TOKEN");
    expect(error.message).toContain("insecureNoVerification: true");
  });

  it("warns once per provider", () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    warnUnverifiedWebhook("helper-test-a");
    warnUnverifiedWebhook("helper-test-a");
    warnUnverifiedWebhook("helper-test-b");
    expect(warn).toHaveBeenCalledTimes(2);
    expect(warn.mock.calls[0]![0]).toContain("helper-test-a webhook VERIFIES NOTHING");
  });
});

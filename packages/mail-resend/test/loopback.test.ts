// Resend answers read from a real loopback socket: what the SDK's `{ data, error }` result leaves out (the
// status of a JSON error without statusCode, a 2xx it cannot read, the status of an endless answer). A real
// server, because the provider learns both from the wire (Node's fetch dispatcher), which MSW bypasses.
// The size limit, and the timeout and abort tearing a trickling answer down, are in the conformance suite.
import { gzipSync } from "node:zlib";
import { MailError } from "@posse/mail-core";
import { MAX_RESPONSE_BYTES } from "@posse/mail-core/provider";
import {
  createContractMailer,
  endlessAnswer,
  findSecret,
  fixedAnswer as fixed,
  type LoopbackVendor,
  minimalMessage,
  startLoopbackVendor,
  startRecordingVendor,
  type VendorAnswer,
} from "@posse/mail-core/testing";
import { afterEach, describe, expect, it } from "vitest";
import { resendProvider } from "../src/index.js";

const API_KEY = "re_loopback_SECRET_7d2a";
// The limit plus what loopback socket buffers and stream queues can hold when the reader stops.
const READ_AT_MOST = MAX_RESPONSE_BYTES + 12 * 1024 * 1024;

/** A 200 (or `status`) whose body never ends (see `endlessAnswer`). */
const endlessBody = (status: number) => endlessAnswer(status, '{"id":"');

let running: LoopbackVendor | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

const mailerFor = async (answer: VendorAnswer, options = {}) => {
  running = await startLoopbackVendor(answer);
  return createContractMailer(resendProvider, { apiKey: API_KEY, endpoint: running.url }, options);
};

describe("resend answers on the wire", () => {
  it("sends and reads a real answer through the watching dispatcher", async () => {
    const mailer = await mailerFor(
      fixed(200, "application/json", '{"id":"49a3999c-0ce1-4ea6-ab68-afcd6dc2e794"}'),
    );
    await expect(mailer.send(minimalMessage)).resolves.toEqual({
      provider: "resend",
      messageId: "49a3999c-0ce1-4ea6-ab68-afcd6dc2e794",
    });
  });

  it("goes through the app's global fetch dispatcher (where an app's proxy agent sits)", async () => {
    const mailer = await mailerFor(fixed(200, "application/json", '{"id":"49a3999c"}'));
    // What undici's setGlobalDispatcher(new ProxyAgent(…)) or NODE_USE_ENV_PROXY=1 installs: a global one.
    await fetch("data:,"); // Node sets its global dispatcher when it loads fetch
    const key = Symbol.for("undici.globalDispatcher.1");
    const global = globalThis as unknown as Record<symbol, { dispatch(o: object, h: object): boolean }>;
    const original = global[key]!;
    const origins: string[] = [];
    global[key] = {
      dispatch(options, handler) {
        origins.push(String((options as { origin?: unknown }).origin));
        return original.dispatch(options, handler);
      },
    };
    try {
      await expect(mailer.send(minimalMessage)).resolves.toMatchObject({ messageId: "49a3999c" });
    } finally {
      global[key] = original;
    }
    expect(origins).toEqual([running!.url]);
  });

  it("maps Resend's JSON 401 without statusCode to AUTH", async () => {
    // The body Resend answers a request without a usable key with: name and message, no statusCode.
    const body = '{"name":"missing_api_key","message":"Missing API key in the authorization header"}';
    const mailer = await mailerFor(fixed(401, "application/json; charset=utf-8", body));
    const error = await mailer.send(minimalMessage).catch((e) => e);
    expect(error).toBeInstanceOf(MailError);
    expect(error).toMatchObject({ code: "AUTH", provider: "resend", status: 401, retryable: false });
    expect(error.message).toBe(
      "resend answered HTTP 401: Missing API key in the authorization header (missing_api_key)",
    );
    expect(findSecret(error, [API_KEY])).toBeUndefined();
  });

  it.each([
    ["an HTML page", fixed(200, "text/html", "<html>Welcome to Airport Wi-Fi</html>")],
    ["{}", fixed(200, "application/json", "{}")],
    ["JSON of another shape", fixed(200, "application/json", '[{"id":"49a3999c"}]')],
    ["an id that is not a string", fixed(200, "application/json", '{"id":42}')],
  ])("treats a 200 with %s as UNKNOWN with an unknown outcome, in one request", async (_, answer) => {
    // Retries allowed, but no idempotency key: an answer that may mean "sent" must not be sent again.
    const mailer = await mailerFor(answer, { retry: { attempts: 3 }, random: () => 0 });
    const error = await mailer.send(minimalMessage).catch((e) => e);
    expect(error).toBeInstanceOf(MailError);
    expect(error).toMatchObject({ code: "UNKNOWN", provider: "resend", outcomeUnknown: true });
    expect(running!.stats.requests).toBe(1);
  });

  it("asks for an uncompressed answer: Accept-Encoding identity", async () => {
    const vendor = await startRecordingVendor({
      status: 200,
      contentType: "application/json",
      body: '{"id":"49a3999c"}',
    });
    try {
      const mailer = await createContractMailer(resendProvider, { apiKey: API_KEY, endpoint: vendor.url });
      await mailer.send(minimalMessage);
      await mailer.verify().catch(() => {}); // {"id"} is no domain list: only the request matters here
    } finally {
      await vendor.close();
    }
    expect(vendor.requests.map((request) => request.headers["accept-encoding"])).toEqual([
      "identity",
      "identity",
    ]);
  });

  it("stops a compressed answer at its headers, keeping its status: a gzip 429 stays RATE_LIMITED", async () => {
    // 64 MiB of JSON whitespace, 64 KiB on the wire: fetch would inflate all of it.
    const bomb = gzipSync(Buffer.alloc(64 * MAX_RESPONSE_BYTES, 0x20));
    const mailer = await mailerFor((response) => {
      response.writeHead(429, { "content-type": "application/json", "content-encoding": "gzip" });
      response.end(bomb);
    });
    const error = await mailer.send(minimalMessage).catch((e) => e);
    expect(error).toMatchObject({ code: "RATE_LIMITED", provider: "resend", status: 429 });
    expect(error.message).toBe(
      "resend answered HTTP 429: the answer came compressed (gzip) though only identity was asked for; stopped reading it",
    );
  });

  it("does not follow a 307 when verifying either, and says it was a redirect", async () => {
    const target = await startRecordingVendor({ status: 200, contentType: "application/json", body: "{}" });
    try {
      const mailer = await mailerFor((response) => {
        response.writeHead(307, { location: `${target.url}/domains` });
        response.end();
      });
      const error = await mailer.verify().catch((e) => e);
      expect(error).toMatchObject({ code: "UNKNOWN", provider: "resend", status: 307, outcomeUnknown: true });
      expect(error.message).toBe(
        "resend answered HTTP 307, a redirect, which is not followed; the message may or may not have been sent",
      );
    } finally {
      await target.close();
    }
    expect(running!.stats.requests).toBe(1);
    expect(target.requests).toEqual([]);
  });

  it("keeps the status of an endless 200 body in its UNKNOWN", async () => {
    const mailer = await mailerFor(endlessBody(200));
    const error = await mailer.send(minimalMessage).catch((e) => e);
    await running!.closed;
    expect(error).toMatchObject({ code: "UNKNOWN", provider: "resend", status: 200, outcomeUnknown: true });
  });

  it("keeps the status of an endless error body: a 503 stays UNAVAILABLE", async () => {
    const mailer = await mailerFor(endlessBody(503));
    const error = await mailer.send(minimalMessage).catch((e) => e);
    await running!.closed;
    expect(error).toMatchObject({ code: "UNAVAILABLE", provider: "resend", status: 503 });
    expect(running!.stats.written).toBeLessThan(READ_AT_MOST);
  });
});

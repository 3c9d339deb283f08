// Real sockets on loopback, no MSW: a vendor that never ends its body, one that trickles, and a forward
// proxy in the environment. The request must be torn down when the core gives up, an answer is read up to
// a size limit, and the key pair and message never travel in clear to a proxy.
import { fileURLToPath } from "node:url";
import { MAX_RESPONSE_BYTES, MailError } from "@posse/mail-core";
import {
  createContractMailer,
  minimalMessage,
  type RecordingProxy,
  type RecordingVendor,
  sendInChildProcess,
  startHostileVendor,
  startRecordingProxy,
  startRecordingVendor,
  testTlsFiles,
} from "@posse/mail-core/testing";
import { afterEach, describe, expect, it } from "vitest";
import { mailjetProvider } from "../src/index.js";

const API_KEY = "mj-public-network-5f1c";
const API_SECRET = "mj-private-network-SECRET-9a7e";
const BASIC = `Basic ${Buffer.from(`${API_KEY}:${API_SECRET}`).toString("base64")}`;
const closers: (() => Promise<void>)[] = [];
// Tens of ms on an idle machine; the slack absorbs a loaded CI box. The SDK never closed these sockets.
const CLOSE_WITHIN_MS = 500;

afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

async function hostile(mode: "endless" | "trickle", timeoutMs = 200) {
  const vendor = await startHostileVendor(mode);
  closers.push(() => vendor.close());
  const mailer = await createContractMailer(
    mailjetProvider,
    { apiKey: API_KEY, apiSecret: API_SECRET, endpoint: vendor.url },
    { timeoutMs },
  );
  return { vendor, mailer };
}

describe("mailjet over real sockets", () => {
  it("stops reading an endless answer at the size limit and closes the socket", async () => {
    // A timeout far off: the size limit, not the clock, must end this one.
    const { vendor, mailer } = await hostile("endless", 10_000);
    const error = await mailer.send(minimalMessage).catch((e) => e);
    const settledAt = Date.now();
    expect(error).toBeInstanceOf(MailError);
    expect(error).toMatchObject({ code: "UNKNOWN", provider: "mailjet", outcomeUnknown: true });
    expect(await vendor.allClosed(1_000)).toBe(true);
    const [connection] = vendor.connections;
    expect(connection!.closedAt! - settledAt).toBeLessThan(CLOSE_WITHIN_MS);
    // The limit plus what loopback socket buffers hold; the SDK read without end (700 MB in 12 s).
    expect(connection!.bytesWritten).toBeLessThan(MAX_RESPONSE_BYTES + 8 * 1024 * 1024);
  });

  it("closes a trickling vendor's socket when the timeout fires", async () => {
    const { vendor, mailer } = await hostile("trickle");
    const error = await mailer.send(minimalMessage).catch((e) => e);
    const settledAt = Date.now();
    expect(error).toMatchObject({ code: "TIMEOUT", provider: "mailjet", outcomeUnknown: true });
    expect(await vendor.allClosed(1_000)).toBe(true);
    expect(vendor.connections[0]!.closedAt! - settledAt).toBeLessThan(CLOSE_WITHIN_MS);
  });

  it("closes the socket when the caller aborts", async () => {
    const { vendor, mailer } = await hostile("trickle");
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const error = await mailer.send(minimalMessage, { signal: controller.signal }).catch((e) => e);
    const settledAt = Date.now();
    expect(error).toMatchObject({ code: "ABORTED", provider: "mailjet" });
    expect(await vendor.allClosed(1_000)).toBe(true);
    expect(vendor.connections[0]!.closedAt! - settledAt).toBeLessThan(CLOSE_WITHIN_MS);
  });
});

// The https vendor stub uses mail-smtp's test certificate; the child process trusts its CA.
const FIXTURES = fileURLToPath(new URL("../../mail-smtp/test/fixtures", import.meta.url));
const ENTRY = fileURLToPath(new URL("../dist/index.js", import.meta.url));
const PACKAGE_DIR = fileURLToPath(new URL("..", import.meta.url));
const success = (id: string) =>
  `{"Messages":[{"Status":"success","To":[{"Email":"ann@example.com","MessageUUID":"u-1","MessageID":${id},"MessageHref":"https://api.mailjet.com/v3/REST/message/${id}"}]}]}`;

describe.each(["HTTPS_PROXY", "ALL_PROXY", "npm_config_proxy"])("with %s set", (variable) => {
  let proxy: RecordingProxy;
  let vendor: RecordingVendor;

  it("never sends the key pair or the message in clear to the proxy, nor takes its answer", async () => {
    const tls = testTlsFiles(FIXTURES);
    vendor = await startRecordingVendor(
      { status: 200, contentType: "application/json", body: success("11") },
      tls,
    );
    // A plain request gets a success-shaped answer from the proxy: it must never count as sent.
    proxy = await startRecordingProxy({ contentType: "application/json", body: success("666") });
    closers.push(
      () => vendor.close(),
      () => proxy.close(),
    );
    const result = await sendInChildProcess({
      entry: ENTRY,
      providerId: "mailjet",
      config: { apiKey: API_KEY, apiSecret: API_SECRET, endpoint: vendor.url },
      text: "MESSAGE-MARKER-4711",
      cwd: PACKAGE_DIR,
      env: { [variable]: proxy.url, NODE_EXTRA_CA_CERTS: tls.ca },
    });
    const plain = proxy.requests.filter((request) => request.method !== "CONNECT");
    expect(plain).toEqual([]);
    expect(JSON.stringify(proxy.requests)).not.toContain(BASIC.slice("Basic ".length));
    expect(JSON.stringify(proxy.requests)).not.toContain("MESSAGE-MARKER-4711");
    expect(result).toEqual({ receipt: { provider: "mailjet", messageId: "11" } });
    expect(vendor.requests).toHaveLength(1);
    expect(vendor.requests[0]!.headers.authorization).toBe(BASIC);
    expect(vendor.requests[0]!.body).toContain("MESSAGE-MARKER-4711");
  }, 30_000);
});

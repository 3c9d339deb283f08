// A forward proxy in the environment, on real loopback sockets (no MSW): the key and the message never travel
// in clear to it. Kept beside tests/test/proxy.all-providers.test.ts, which does not check the
// Authorization header the vendor receives. The endless and trickling answers are in the conformance suite.
import { fileURLToPath } from "node:url";
import {
  type RecordingProxy,
  type RecordingVendor,
  sendInChildProcess,
  startRecordingProxy,
  startRecordingVendor,
  testTlsFiles,
} from "@posse/mail-core/testing";
import { afterEach, describe, expect, it } from "vitest";

const API_KEY = "key-network-SECRET-5f1c9d";
const DOMAIN = "mg.example.com";
const BASIC = `Basic ${Buffer.from(`api:${API_KEY}`).toString("base64")}`;
const closers: (() => Promise<void>)[] = [];

afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

// The https vendor stub uses mail-smtp's test certificate; the child process trusts its CA.
const FIXTURES = fileURLToPath(new URL("../../mail-smtp/test/fixtures", import.meta.url));
const ENTRY = fileURLToPath(new URL("../dist/index.js", import.meta.url));
const PACKAGE_DIR = fileURLToPath(new URL("..", import.meta.url));
const success = (id: string) => JSON.stringify({ id, message: "Queued. Thank you." });

describe.each(["HTTPS_PROXY", "ALL_PROXY", "npm_config_proxy"])("with %s set", (variable) => {
  let proxy: RecordingProxy;
  let vendor: RecordingVendor;

  it("never sends the key or the message in clear to the proxy, nor takes its answer", async () => {
    const tls = testTlsFiles(FIXTURES);
    vendor = await startRecordingVendor(
      { status: 200, contentType: "application/json", body: success("<stub@mg.example.com>") },
      tls,
    );
    // A plain request gets a success-shaped answer from the proxy: it must never count as sent.
    proxy = await startRecordingProxy({
      contentType: "application/json",
      body: success("<proxy@mg.example.com>"),
    });
    closers.push(
      () => vendor.close(),
      () => proxy.close(),
    );
    const result = await sendInChildProcess({
      entry: ENTRY,
      providerId: "mailgun",
      config: { apiKey: API_KEY, domain: DOMAIN, endpoint: vendor.url },
      text: "MESSAGE-MARKER-4711",
      cwd: PACKAGE_DIR,
      env: { [variable]: proxy.url, NODE_EXTRA_CA_CERTS: tls.ca },
    });
    const plain = proxy.requests.filter((request) => request.method !== "CONNECT");
    expect(plain).toEqual([]);
    expect(JSON.stringify(proxy.requests)).not.toContain(BASIC.slice("Basic ".length));
    expect(JSON.stringify(proxy.requests)).not.toContain("MESSAGE-MARKER-4711");
    expect(result).toEqual({ receipt: { provider: "mailgun", messageId: "<stub@mg.example.com>" } });
    expect(vendor.requests).toHaveLength(1);
    expect(vendor.requests[0]!.headers.authorization).toBe(BASIC);
    expect(vendor.requests[0]!.body).toContain("MESSAGE-MARKER-4711");
  }, 30_000);
});

// Every HTTP provider with a forward proxy in the environment (HTTPS_PROXY, then ALL_PROXY, then
// npm_config_proxy). Each case sends from a fresh Node process (proxy variables and CA trust are
// process-wide) through the built package to an https vendor stub on loopback. The proxy records what it
// gets: it tunnels a CONNECT to 127.0.0.1 and answers any plain request itself with a success-shaped body.
// Nothing leaves loopback: every provider is configured with an endpoint on the stub, and the proxy refuses
// a CONNECT anywhere else.
import { createRequire } from "node:module";
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

const FIXTURES = fileURLToPath(new URL("../../packages/mail-smtp/test/fixtures", import.meta.url));
const TESTS_DIR = fileURLToPath(new URL("..", import.meta.url));
const require = createRequire(import.meta.url);
const MARKER = "MESSAGE-MARKER-PROXY-4711";
const basic = (user: string, password: string) => Buffer.from(`${user}:${password}`).toString("base64");

interface Case {
  readonly id: string;
  readonly config: (vendorUrl: string) => Record<string, string>;
  /** Every credential form that must never reach the proxy. */
  readonly secrets: readonly string[];
  /** The vendor's success answer, and the message id the receipt must carry. */
  readonly answer: { status: number; body: string; headers?: Record<string, string> };
  readonly messageId: string;
}

const CASES: readonly Case[] = [
  {
    id: "amazon_ses",
    config: (url) => ({
      region: "us-east-1",
      accessKeyId: "AKIAPROXYMARKER00001",
      secretAccessKey: "proxy-marker-ses-secret-02",
      endpoint: url,
    }),
    secrets: ["AKIAPROXYMARKER00001", "proxy-marker-ses-secret-02"],
    answer: { status: 200, body: '{"MessageId":"ses-proxy-1"}' },
    messageId: "ses-proxy-1",
  },
  {
    id: "resend",
    config: (url) => ({ apiKey: "re_proxy_marker_03", endpoint: url }),
    secrets: ["re_proxy_marker_03"],
    answer: { status: 200, body: '{"id":"resend-proxy-1"}' },
    messageId: "resend-proxy-1",
  },
  {
    id: "mailgun",
    config: (url) => ({ apiKey: "proxy-marker-mailgun-04", domain: "mg.example.com", endpoint: url }),
    secrets: ["proxy-marker-mailgun-04", basic("api", "proxy-marker-mailgun-04")],
    answer: { status: 200, body: '{"id":"<mailgun-proxy-1@mg.example.com>","message":"Queued. Thank you."}' },
    messageId: "<mailgun-proxy-1@mg.example.com>",
  },
  {
    id: "postmark",
    config: (url) => ({ serverToken: "proxy-marker-postmark-05", endpoint: url }),
    secrets: ["proxy-marker-postmark-05"],
    answer: {
      status: 200,
      body: '{"To":"ann@example.com","SubmittedAt":"2026-12-02T00:00:00Z","MessageID":"postmark-proxy-1","ErrorCode":0,"Message":"OK"}',
    },
    messageId: "postmark-proxy-1",
  },
  {
    id: "sendgrid",
    config: (url) => ({ apiKey: "SG.proxy-marker-sendgrid-06", endpoint: url }),
    secrets: ["SG.proxy-marker-sendgrid-06"],
    answer: { status: 202, body: "", headers: { "X-Message-Id": "sendgrid-proxy-1" } },
    messageId: "sendgrid-proxy-1",
  },
  {
    id: "brevo",
    config: (url) => ({ apiKey: "xkeysib-proxy-marker-brevo-07", endpoint: `${url}/v3` }),
    secrets: ["xkeysib-proxy-marker-brevo-07"],
    answer: { status: 201, body: '{"messageId":"<brevo-proxy-1@smtp-relay.mailin.fr>"}' },
    messageId: "<brevo-proxy-1@smtp-relay.mailin.fr>",
  },
  {
    id: "mailjet",
    config: (url) => ({
      apiKey: "proxy-marker-mailjet-08",
      apiSecret: "proxy-marker-mailjet-09",
      endpoint: url,
    }),
    secrets: [
      "proxy-marker-mailjet-08",
      "proxy-marker-mailjet-09",
      basic("proxy-marker-mailjet-08", "proxy-marker-mailjet-09"),
    ],
    answer: {
      status: 200,
      body: '{"Messages":[{"Status":"success","To":[{"Email":"ann@example.com","MessageUUID":"u-1","MessageID":1152921504606846977,"MessageHref":"https://api.mailjet.com/v3/REST/message/1152921504606846977"}]}]}',
    },
    messageId: "1152921504606846977",
  },
];

// What a proxy answers a plain request with: shaped like a success of every vendor at once (an id in each
// vendor's field), so a provider that took the proxy's answer would report it as sent.
const PROXY_ANSWER = JSON.stringify({
  MessageId: "from-proxy",
  id: "from-proxy",
  MessageID: "from-proxy",
  ErrorCode: 0,
  messageId: "from-proxy",
  Messages: [{ Status: "success", To: [{ Email: "ann@example.com", MessageID: "666", MessageUUID: "p" }] }],
});

/** How each of our providers is documented to honour the variable: tunnelled with CONNECT, or ignored. */
const DOCUMENTED: Readonly<Record<string, Readonly<Record<string, "tunnel" | "direct">>>> = {
  sendgrid: { HTTPS_PROXY: "tunnel", ALL_PROXY: "tunnel", npm_config_proxy: "direct" },
  brevo: { HTTPS_PROXY: "direct", ALL_PROXY: "direct", npm_config_proxy: "direct" },
  amazon_ses: { HTTPS_PROXY: "direct", ALL_PROXY: "direct", npm_config_proxy: "direct" },
  resend: { HTTPS_PROXY: "direct", ALL_PROXY: "direct", npm_config_proxy: "direct" },
};

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

describe.each(["HTTPS_PROXY", "ALL_PROXY", "npm_config_proxy"])("with %s set", (variable) => {
  it.each(CASES)(
    "$id never puts credentials or the message in clear to the proxy",
    async (vendorCase) => {
      const tls = testTlsFiles(FIXTURES);
      const vendor: RecordingVendor = await startRecordingVendor(
        { contentType: "application/json", ...vendorCase.answer },
        tls,
      );
      const proxy: RecordingProxy = await startRecordingProxy({
        contentType: "application/json",
        body: PROXY_ANSWER,
      });
      closers.push(
        () => vendor.close(),
        () => proxy.close(),
      );
      const packageName = `@posse/mail-${vendorCase.id.replace("_", "-")}`;
      const result = await sendInChildProcess({
        entry: require.resolve(packageName).replace(/index\.cjs$/, "index.js"),
        providerId: vendorCase.id,
        config: vendorCase.config(vendor.url),
        text: MARKER,
        cwd: TESTS_DIR,
        env: { [variable]: proxy.url, NODE_EXTRA_CA_CERTS: tls.ca },
      });

      // The proxy saw at most a CONNECT to the stub; never a plain request, a credential or the message.
      const plain = proxy.requests.filter((request) => request.method !== "CONNECT");
      expect(plain).toEqual([]);
      const seenByProxy = JSON.stringify(proxy.requests);
      for (const secret of vendorCase.secrets) expect(seenByProxy).not.toContain(secret);
      expect(seenByProxy).not.toContain(MARKER);
      const vendorHost = new URL(vendor.url).host;
      for (const request of proxy.requests) expect(request.target).toBe(vendorHost);

      // Sent means the vendor got it over TLS and answered; the proxy's answer never counts.
      expect(result).toEqual({ receipt: { provider: vendorCase.id, messageId: vendorCase.messageId } });
      expect(vendor.requests).toHaveLength(1);
      expect(vendor.requests[0]!.body).toContain(MARKER);

      const documented = DOCUMENTED[vendorCase.id]?.[variable];
      if (documented !== undefined) {
        expect(proxy.requests.length > 0 ? "tunnel" : "direct").toBe(documented);
      }
    },
    30_000,
  );
});

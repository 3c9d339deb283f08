// Amazon SES webhooks through SNS: messages signed here with the key of a test certificate (issued by a test
// CA, test/fixtures) by SNS's documented algorithm, the certificate served by an injected fetch. The shared checks
// of @posse/mail-testkit (valid, forged, malformed, oversized, answers, the allow-list's settings, Node's http
// server, the join to send()), then SES's own: certificates, topics, subscriptions, SES's documented records
// (rewritten as fixtures) and their mapping. No test reaches the internet.
// Stale timestamps: SNS re-sends a failed delivery with the original MessageId, Timestamp and signature, for up to
// an hour, so the window is opt-in (toleranceSeconds) and wide; eventId (SNS's MessageId) is what to dedupe on.
// SES has no shared secret; what an answer must not echo is the signature and the certificate.
import { sign as rsaSign } from "node:crypto";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { createWebhookHandler } from "@posse/mail-core";
import { createFakeClock, deferred } from "@posse/mail-core/testing";
import { describeWebhookConformance, webhookPost } from "@posse/mail-testkit";
import { HttpResponse } from "msw";
import { describe, expect, it, vi } from "vitest";
import { amazonSesProvider } from "../src/index.js";
import { type SesWebhookOptions, sesWebhook } from "../src/webhooks/index.js";

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), "utf8");
const CERTIFICATE = fixture("sns-test-signing.pem");
const SIGNING_KEY = fixture("sns-test-signing.key.pem");
const OTHER_KEY = fixture("sns-test-other.key.pem");
const OTHER_CERTIFICATE = fixture("sns-test-other.pem");

const TOPIC = "arn:aws:sns:us-east-1:123456789012:ses-events";
const CERT_URL =
  "https://sns.us-east-1.amazonaws.com/SimpleNotificationService-7506a1e35b36ef5a444dd1a8e7cc3ed8.pem";
const SUBSCRIBE_URL =
  "https://sns.us-east-1.amazonaws.com/?Action=ConfirmSubscription&TopicArn=arn:aws:sns:us-east-1:123456789012:ses-events&Token=2336412f37";
const URL_ = "https://app.example/webhooks/ses";
const MESSAGE_ID = "010001890f6c2b5e-2f0e7b7a-3c1d-4a8e-9f0b-6d2c1e5a7b9c-000000";
const PUBLISHED = "2026-01-15T11:59:03.655Z";
// SNS retries an HTTPS delivery for at most 3,600 s; a margin for clocks.
const TOLERANCE = 3900;

const MAIL = {
  timestamp: "2026-01-15T11:58:00.012Z",
  source: "Sender Name <sender@example.com>",
  sendingAccountId: "123456789012",
  messageId: MESSAGE_ID,
  destination: ["ann@example.com", "bob@example.com"],
  headersTruncated: false,
  tags: {
    "ses:configuration-set": ["posse"],
    "ses:source-ip": ["192.0.2.0"],
    "ses:from-domain": ["example.com"],
    login: ["true"],
    user_id: ["42"],
  },
};

/** SES event publishing's Bounce record (SES developer guide), one hard bounce for two recipients. */
const BOUNCE = {
  eventType: "Bounce",
  bounce: {
    bounceType: "Permanent",
    bounceSubType: "General",
    bouncedRecipients: [
      {
        emailAddress: "ann@example.com",
        action: "failed",
        status: "5.1.1",
        diagnosticCode: "smtp; 550 5.1.1 user unknown",
      },
      {
        emailAddress: "bob@example.com",
        action: "failed",
        status: "5.1.1",
        diagnosticCode: "smtp; 550 5.1.1 no mailbox",
      },
    ],
    timestamp: "2026-01-15T11:59:02.669Z",
    feedbackId: "01000157c44f053b-61b59c11-9236-11e6-8f96-7be8aexample-000000",
    reportingMTA: "dsn; mta.example.com",
  },
  mail: MAIL,
};

type Fields = Record<string, string>;

/** SNS's string to sign, written out from the documentation's key lists. */
function stringToSign(message: Fields): string {
  const keys =
    message.Type === "Notification"
      ? ["Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type"]
      : ["Message", "MessageId", "SubscribeURL", "Timestamp", "Token", "TopicArn", "Type"];
  return keys
    .filter((key) => key in message)
    .map((key) => `${key}\n${message[key]}\n`)
    .join("");
}

function signed(fields: Fields, version: "1" | "2" = "1", key = SIGNING_KEY): Fields {
  const algorithm = version === "1" ? "RSA-SHA1" : "RSA-SHA256";
  return {
    ...fields,
    SignatureVersion: version,
    Signature: rsaSign(algorithm, Buffer.from(stringToSign(fields)), key).toString("base64"),
    SigningCertURL: CERT_URL,
  };
}

function notification(record: unknown, extra: Fields = {}): Fields {
  return {
    Type: "Notification",
    MessageId: "22b80b92-fdea-4c2c-8f9d-bdfb0c7bf324",
    TopicArn: TOPIC,
    Message: typeof record === "string" ? record : JSON.stringify(record),
    Timestamp: PUBLISHED,
    UnsubscribeURL: "https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=x",
    ...extra,
  };
}

function confirmation(type = "SubscriptionConfirmation", extra: Fields = {}): Fields {
  return {
    Type: type,
    MessageId: "165545c9-2a5c-472c-8df2-7ff2be2b3b1b",
    Token: "2336412f37",
    TopicArn: TOPIC,
    Message: `You have chosen to subscribe to the topic ${TOPIC}.`,
    SubscribeURL: SUBSCRIBE_URL,
    Timestamp: "2026-01-15T11:50:00.000Z",
    ...extra,
  };
}

function post(message: unknown, headers: Record<string, string> = {}) {
  const body =
    typeof message === "string" || message instanceof Uint8Array ? message : JSON.stringify(message);
  // SNS's default content type: a JSON-only body parser would skip it.
  const sns = { "content-type": "text/plain; charset=UTF-8", "x-amz-sns-message-type": "Notification" };
  return webhookPost(URL_, body, { ...sns, ...headers });
}

/** A fetch that serves the test certificate at CERT_URL and answers the SubscribeURL, recording every URL. */
function snsFetch(certificate = CERTIFICATE) {
  const urls: string[] = [];
  const fetcher = (async (input: string | URL | Request) => {
    const url = String(input);
    urls.push(url);
    if (url === CERT_URL) return new Response(certificate);
    if (url === SUBSCRIBE_URL) return new Response("<ConfirmSubscriptionResponse/>");
    return new Response("not found", { status: 404 });
  }) as typeof fetch;
  return { fetcher, urls };
}

const message = signed(notification(BOUNCE));
const MISMATCH = "the SNS signature does not match the message";
const withoutSubject = () => {
  const { Subject: _, ...rest } = signed(notification(BOUNCE, { Subject: "s" }));
  return rest;
};

/** The signed message with `MessageId` followed by the signed Subject's lines, and no Subject: the same string to sign. */
const subjectInMessageId = () => {
  const { Subject, MessageId, ...rest } = signed(notification(BOUNCE, { Subject: "s" }));
  return { ...rest, MessageId: `${MessageId}\nSubject\n${Subject}` };
};

const hook = describeWebhookConformance({
  provider: "amazon_ses",
  webhook: sesWebhook,
  options: {
    topicArns: [TOPIC],
    fetch: snsFetch().fetcher,
    toleranceSeconds: TOLERANCE,
    clock: createFakeClock(Date.parse(PUBLISHED)),
  },
  answers: { accepted: 200, failed: 503 },
  credentialsInBody: true,
  secrets: [message.Signature!, CERTIFICATE.split("\n").slice(1, 3).join("")],
  sample: BOUNCE,
  body: (record: unknown) => JSON.stringify(signed(notification(record))),
  post: (bytes) => post(bytes),
  unsigned: (record) => post(notification(record)),
  forged: {
    "a tampered message": {
      post: () =>
        post({ ...message, Message: message.Message!.replace("ann@example.com", "eve@example.com") }),
      text: MISMATCH,
    },
    "another signer's signature": {
      post: () => post(signed(notification(BOUNCE), "1", OTHER_KEY)),
      text: MISMATCH,
    },
    "a signature of the other version": {
      post: () => post({ ...signed(notification(BOUNCE), "2"), SignatureVersion: "1" }),
      text: MISMATCH,
    },
    "a signed Subject left out": { post: () => post(withoutSubject()), text: MISMATCH },
    "an unknown SignatureVersion": {
      post: () => post({ ...message, SignatureVersion: "3" }),
      text: "the SNS message has no known SignatureVersion",
    },
    ...Object.fromEntries(
      ["__proto__", "constructor", "toString", "hasOwnProperty"].map((version) => [
        `SignatureVersion "${version}" (a name every object has)`,
        {
          post: () => post({ ...message, SignatureVersion: version }),
          text: "the SNS message has no known SignatureVersion",
        },
      ]),
    ),
    "the signed Subject moved into MessageId (a new id to deduplicate on, the same string to sign)": {
      post: () => post(subjectInMessageId()),
      text: "the SNS message's MessageId holds a line break or control character",
    },
    "no Signature": {
      post: () => post({ ...message, Signature: undefined }),
      text: "the SNS message has no Signature",
    },
  },
  forbidden: {
    "a topic outside the allow-list, though SNS signed it": {
      post: () => post(signed(notification(BOUNCE, { TopicArn: `${TOPIC}-other` }))),
      text: "the SNS topic is not one this webhook accepts",
    },
    "raw message delivery, which carries no signature": () =>
      post(BOUNCE, { "x-amz-sns-rawdelivery": "true" }),
  },
  malformed: {
    "not JSON": "not json",
    "cut-off JSON": "{",
    "an array": "[]",
    "a Notification without its fields": JSON.stringify({ Type: "Notification" }),
  },
  fromEnv: {
    env: { MAIL_SES_SNS_TOPIC_ARNS: `arn:aws:sns:eu-west-1:123456789012:other, ${TOPIC}` },
    fetch: snsFetch().fetcher,
  },
  stale: {
    toleranceSeconds: TOLERANCE,
    at: (offset) =>
      post(
        signed(
          notification(BOUNCE, { Timestamp: new Date(Date.parse(PUBLISHED) + offset * 1000).toISOString() }),
        ),
      ),
  },
  insecure: { env: {}, insecureNoVerification: true },
  unconfigured: {
    "no topic allow-list": { options: { env: {} }, field: "MAIL_SES_SNS_TOPIC_ARNS" },
    "an allow-list of blanks": {
      options: { env: { MAIL_SES_SNS_TOPIC_ARNS: " , " } },
      field: "MAIL_SES_SNS_TOPIC_ARNS",
    },
    ...Object.fromEntries(
      [Number.NaN, 0, -1, Number.POSITIVE_INFINITY, "3900"].map((value) => [
        `toleranceSeconds ${String(value)}`,
        {
          options: { topicArns: [TOPIC], toleranceSeconds: value as number },
          field: "toleranceSeconds",
          message: "toleranceSeconds must be a finite number of seconds above 0",
        },
      ]),
    ),
  },
  join: {
    definition: amazonSesProvider,
    config: {
      region: "us-east-1",
      accessKeyId: "AKIAJOINTESTEXAMPLE1",
      secretAccessKey: "join/test/secret",
    },
    sendUrl: "https://email.us-east-1.amazonaws.com/v2/email/outbound-emails",
    success: () => HttpResponse.json({ MessageId: MESSAGE_ID }),
    messageId: MESSAGE_ID,
    message: { tags: ["login"], metadata: { user_id: "42" } },
    // SES echoes the EmailTags it was sent, beside its own ses: tags, as lists of values.
    echo: async (sent, receipt) => {
      const { EmailTags } = (await sent.json()) as { EmailTags: { Name: string; Value: string }[] };
      const tags = Object.fromEntries(EmailTags.map((tag) => [tag.Name, [tag.Value]]));
      return {
        eventType: "Delivery",
        delivery: { timestamp: "2026-01-15T11:58:01.000Z", recipients: ["ann@example.com"] },
        mail: {
          ...MAIL,
          messageId: receipt.messageId,
          destination: ["ann@example.com"],
          tags: { "ses:configuration-set": ["posse"], ...tags },
        },
      };
    },
  },
  sdk: {
    entries: ["index.js", "index.cjs"].map((file) =>
      fileURLToPath(new URL(`../dist/webhooks/${file}`, import.meta.url)),
    ),
    module: "/node_modules/@aws-sdk/",
  },
});

/** An endpoint over the allow-listed topic whose certificate and confirmation fetches are recorded. */
function handlerFor(options: SesWebhookOptions = {}, fetched = snsFetch()) {
  const endpoint = hook.endpoint({ topicArns: [TOPIC], fetch: fetched.fetcher, ...options });
  const send = async (request: Request) => {
    const { status, text } = await endpoint.post(request);
    return { status, text };
  };
  return { send, received: endpoint.events, urls: fetched.urls };
}

describe("ses webhook: SNS verification", () => {
  it("accepts a SignatureVersion 1 notification and hands over one event per bounced recipient", async () => {
    const { send, received, urls } = handlerFor();
    const message = signed(notification(BOUNCE));
    expect((await send(post(message))).status).toBe(hook.answers.accepted);
    expect(urls).toEqual([CERT_URL]);
    const common = {
      type: "bounced",
      provider: "amazon_ses",
      messageId: MESSAGE_ID,
      timestamp: new Date("2026-01-15T11:59:02.669Z"),
      vendorType: "Bounce",
      tags: ["login"],
      metadata: { user_id: "42" },
      raw: BOUNCE,
    };
    expect(received).toEqual([
      {
        ...common,
        recipient: "ann@example.com",
        eventId: "22b80b92-fdea-4c2c-8f9d-bdfb0c7bf324/ann@example.com",
        bounce: { kind: "hard", reason: "Permanent/General", diagnostic: "smtp; 550 5.1.1 user unknown" },
      },
      {
        ...common,
        recipient: "bob@example.com",
        eventId: "22b80b92-fdea-4c2c-8f9d-bdfb0c7bf324/bob@example.com",
        bounce: { kind: "hard", reason: "Permanent/General", diagnostic: "smtp; 550 5.1.1 no mailbox" },
      },
    ]);
  });

  it("verifies the decoded fields, not the bytes: the same message re-serialized is still SNS's", async () => {
    const { send, received } = handlerFor();
    const message = signed(notification(BOUNCE, { Subject: 'a "quoted" \\ subject' }));
    expect((await send(post(JSON.stringify(message, null, 2)))).status).toBe(hook.answers.accepted);
    expect(received).toHaveLength(2);
  });

  it("verifies a message whose non-ASCII text a re-serializer escaped as \\u sequences (same decoded fields)", async () => {
    const { send, received } = handlerFor();
    const message = signed(notification(BOUNCE, { Subject: "Zoë’s bounce ✉" }), "2");
    const escaped = JSON.stringify(message).replace(
      /[\u0080-\uffff]/g,
      (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`,
    );
    expect(escaped).toContain("Zo\\u00eb");
    expect((await send(post(escaped))).status).toBe(hook.answers.accepted);
    expect(received).toHaveLength(2);
  });

  it("accepts SignatureVersion 2 (SHA256withRSA), with a Subject, and fetches each certificate once", async () => {
    const { send, received, urls } = handlerFor();
    const first = signed(notification(BOUNCE, { Subject: "Amazon SES Email Event Notification" }), "2");
    const second = signed(notification(BOUNCE, { MessageId: "another" }), "2");
    expect((await send(post(first))).status).toBe(hook.answers.accepted);
    expect((await send(post(second))).status).toBe(hook.answers.accepted);
    expect(received).toHaveLength(4);
    expect(urls).toEqual([CERT_URL]);
  });

  it("fetches nothing for a topic outside the allow-list, even when SNS signed it", async () => {
    const { send, received, urls } = handlerFor();
    const message = signed(notification(BOUNCE, { TopicArn: "arn:aws:sns:us-east-1:999999999999:theirs" }));
    expect(await send(post(message))).toEqual({
      status: 403,
      text: "the SNS topic is not one this webhook accepts",
    });
    expect(urls).toEqual([]);
    expect(received).toEqual([]);
  });

  it("refuses a certificate served at the SNS URL that is not the signer's (401)", async () => {
    const { send } = handlerFor({}, snsFetch(OTHER_CERTIFICATE));
    expect((await send(post(signed(notification(BOUNCE))))).status).toBe(401);
  });

  it.each([
    ["plain http", "http://sns.us-east-1.amazonaws.com/SimpleNotificationService-x.pem"],
    ["another host", "https://sns.evil.example/SimpleNotificationService-x.pem"],
    ["a host that only starts like SNS's", "https://sns.us-east-1.amazonaws.com.evil.example/x.pem"],
    ["a host that only ends like SNS's", "https://evilsns.us-east-1.amazonaws.com/x.pem"],
    ["S3, not SNS", "https://s3.us-east-1.amazonaws.com/x.pem"],
    ["a path not ending .pem", "https://sns.us-east-1.amazonaws.com/SimpleNotificationService-x.txt"],
    ["another port", "https://sns.us-east-1.amazonaws.com:8443/SimpleNotificationService-x.pem"],
    ["credentials", "https://user:pw@sns.us-east-1.amazonaws.com/SimpleNotificationService-x.pem"],
    ["not a URL", "sns.us-east-1.amazonaws.com/x.pem"],
    [
      "a name under amazonaws.com that is no region",
      "https://sns.evil-attacker.amazonaws.com/SimpleNotificationService-x.pem",
    ],
    ["the S3 bucket named sns", "https://sns.s3-us-west-2.amazonaws.com/SimpleNotificationService-x.pem"],
    ["a China region on .com", "https://sns.cn-north-1.amazonaws.com/SimpleNotificationService-x.pem"],
    ["another region on .com.cn", "https://sns.us-east-1.amazonaws.com.cn/SimpleNotificationService-x.pem"],
    ["a .pem outside SNS's certificates", "https://sns.us-east-1.amazonaws.com/uploads/cert.pem"],
    [
      "a certificate path with a query",
      "https://sns.us-east-1.amazonaws.com/SimpleNotificationService-x.pem?a=b",
    ],
  ])("never fetches a certificate from %s (401)", async (_, url) => {
    const { send, urls } = handlerFor();
    const message = { ...signed(notification(BOUNCE)), SigningCertURL: url };
    expect(await send(post(message))).toEqual({
      status: 401,
      text: "the SNS message's SigningCertURL is not an SNS certificate URL",
    });
    expect(urls).toEqual([]);
  });

  it.each([
    "https://sns.eu-central-1.amazonaws.com/SimpleNotificationService-01d088a6f77103d0fe307c0069e40ed6.pem",
    "https://sns.us-gov-west-1.amazonaws.com/SimpleNotificationService-7506a1e35b36ef5a444dd1a8e7cc3ed8.pem",
    "https://sns.cn-north-1.amazonaws.com.cn/SimpleNotificationService-3242f6a1f5a2a2f8a0b7e6d2bd0dbb3d.pem",
  ])("fetches the certificate from SNS's %s", async (url) => {
    const urls: string[] = [];
    const fetcher = (async (input: string | URL | Request) => {
      urls.push(String(input));
      return new Response(CERTIFICATE);
    }) as typeof fetch;
    const { send, received } = handlerFor({}, { fetcher, urls });
    expect((await send(post({ ...signed(notification(BOUNCE)), SigningCertURL: url }))).status).toBe(
      hook.answers.accepted,
    );
    expect(urls).toEqual([url]);
    expect(received).toHaveLength(2);
  });

  it("downloads at most 4 certificates at once: 200 forged posts, each naming its own, start 4 downloads", async () => {
    const gate = deferred();
    const urls: string[] = [];
    const fetcher = (async (input: string | URL | Request) => {
      urls.push(String(input));
      await gate.promise;
      return new Response(CERTIFICATE);
    }) as typeof fetch;
    const { send } = handlerFor({}, { fetcher, urls });
    const forged = signed(notification(BOUNCE), "1", OTHER_KEY);
    const answers = Array.from({ length: 200 }, (_, n) =>
      send(post({ ...forged, SigningCertURL: CERT_URL.replace(".pem", `${n}.pem`) })),
    );
    const held = answers.slice(0, 4);
    for (const answer of answers.slice(4)) expect((await answer).status).toBe(hook.answers.failed);
    expect(urls).toHaveLength(4);
    gate.resolve();
    for (const answer of held) expect((await answer).status).toBe(401);
  });

  it("refuses a message published outside toleranceSeconds before fetching anything (403)", async () => {
    const clock = createFakeClock(Date.parse("2026-01-15T12:59:02.655Z"));
    const { send, urls } = handlerFor({ toleranceSeconds: 3600, clock });
    const old = signed(notification(BOUNCE, { Timestamp: "2015-06-01T00:00:00.000Z" }));
    expect(await send(post(old))).toEqual({
      status: 403,
      text: "the webhook timestamp is more than 3600 s from now",
    });
    expect(urls).toEqual([]);
    // Published 1 h ago less a second: within an hour of SNS's retries.
    expect((await send(post(signed(notification(BOUNCE))))).status).toBe(hook.answers.accepted);
  });

  it("without toleranceSeconds, accepts SNS's retry of a message published long ago (its Timestamp never changes)", async () => {
    const clock = createFakeClock(Date.parse("2026-03-01T00:00:00.000Z"));
    const { send, received } = handlerFor({ clock });
    expect((await send(post(signed(notification(BOUNCE))))).status).toBe(hook.answers.accepted);
    expect(received).toHaveLength(2);
  });

  it("the default fetch is the global one, and it too is never called for a forged certificate URL", async () => {
    const global = vi.spyOn(globalThis, "fetch").mockResolvedValue(new Response(CERTIFICATE));
    try {
      const handler = createWebhookHandler(sesWebhook({ topicArns: [TOPIC] }), { onEvents: () => {} });
      const forged = { ...signed(notification(BOUNCE)), SigningCertURL: "https://attacker.example/cert.pem" };
      expect((await handler(post(forged))).status).toBe(401);
      expect(global).not.toHaveBeenCalled();
      expect((await handler(post(signed(notification(BOUNCE))))).status).toBe(hook.answers.accepted);
      expect(global.mock.calls.map(([url]) => String(url))).toEqual([CERT_URL]);
    } finally {
      global.mockRestore();
    }
  });

  it("accepts Lambda-style SigningCertUrl", async () => {
    const { send, received } = handlerFor();
    const { SigningCertURL, ...rest } = signed(notification(BOUNCE));
    expect((await send(post({ ...rest, SigningCertUrl: SigningCertURL }))).status).toBe(
      hook.answers.accepted,
    );
    expect(received).toHaveLength(2);
  });

  it("answers 503 when the certificate cannot be downloaded (SNS retries 5xx), and does not keep the failure", async () => {
    let failures = 1;
    const urls: string[] = [];
    const fetcher = (async (input: string | URL | Request) => {
      urls.push(String(input));
      return failures-- > 0 ? new Response("unavailable", { status: 503 }) : new Response(CERTIFICATE);
    }) as typeof fetch;
    const { send } = handlerFor({}, { fetcher, urls });
    const message = signed(notification(BOUNCE));
    expect((await send(post(message))).status).toBe(hook.answers.failed);
    expect((await send(post(message))).status).toBe(hook.answers.accepted);
    expect(urls).toEqual([CERT_URL, CERT_URL]);
  });
});

describe("ses webhook: subscriptions", () => {
  it("confirms a verified SubscriptionConfirmation by GET of its SubscribeURL, then answers 200", async () => {
    const { send, received, urls } = handlerFor();
    expect(
      (await send(post(signed(confirmation()), { "x-amz-sns-message-type": "SubscriptionConfirmation" })))
        .status,
    ).toBe(200);
    expect(urls).toEqual([CERT_URL, SUBSCRIBE_URL]);
    expect(received).toEqual([]);
  });

  it("never confirms one that is forged, of another topic, or pointing off SNS", async () => {
    const { send, urls } = handlerFor();
    const forged = { ...signed(confirmation()), Token: "other" };
    expect((await send(post(forged))).status).toBe(401);
    const otherTopic = signed(
      confirmation("SubscriptionConfirmation", { TopicArn: "arn:aws:sns:us-east-1:9:x" }),
    );
    expect((await send(post(otherTopic))).status).toBe(403);
    const offSns = signed(
      confirmation("SubscriptionConfirmation", { SubscribeURL: "https://attacker.example/?x" }),
    );
    expect(await send(post(offSns))).toEqual({ status: 403, text: "the SubscribeURL is not an SNS URL" });
    expect(urls.filter((url) => url !== CERT_URL)).toEqual([]);
  });

  it("confirms one whose Message has a line break, as SNS's own text does (only Message may)", async () => {
    const { send, urls } = handlerFor();
    const message = `You have chosen to subscribe to the topic ${TOPIC}.\nTo confirm the subscription, visit the SubscribeURL included in this message.`;
    const confirm = signed(confirmation("SubscriptionConfirmation", { Message: message }));
    expect((await send(post(confirm))).status).toBe(200);
    expect(urls).toEqual([CERT_URL, SUBSCRIBE_URL]);
    const tokenWithBreak = signed(confirmation("SubscriptionConfirmation", { Token: "2336\n412f37" }));
    expect(await send(post(tokenWithBreak))).toEqual({
      status: 401,
      text: "the SNS message's Token holds a line break or control character",
    });
  });

  it("answers a verified UnsubscribeConfirmation with 200 and does not subscribe again", async () => {
    const { send, urls } = handlerFor();
    expect((await send(post(signed(confirmation("UnsubscribeConfirmation"))))).status).toBe(200);
    expect(urls).toEqual([CERT_URL]);
  });

  it("takes SES's text notification after subscribing as no event", async () => {
    const { send, received } = handlerFor();
    const text = notification("Successfully validated SNS topic for Amazon SES event publishing.");
    expect((await send(post(signed(text)))).status).toBe(hook.answers.accepted);
    expect(received).toEqual([]);
  });
});

describe("ses webhook: SES's settings", () => {
  it("reads each topic of a comma-separated MAIL_SES_SNS_TOPIC_ARNS, and only those", async () => {
    const { fetcher } = snsFetch();
    const env = { MAIL_SES_SNS_TOPIC_ARNS: `arn:aws:sns:eu-west-1:123456789012:other, ${TOPIC}` };
    const handler = createWebhookHandler(sesWebhook({ env, fetch: fetcher }), { onEvents: () => {} });
    expect((await handler(post(signed(notification(BOUNCE))))).status).toBe(hook.answers.accepted);
    const other = signed(notification(BOUNCE, { TopicArn: "arn:aws:sns:eu-west-1:123456789012:third" }));
    expect((await handler(post(other))).status).toBe(403);
  });

  // Runs after the kit's opt-out check (which must see the first warning), so it asserts no warning count.
  it("with insecureNoVerification never confirms a subscription", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    try {
      const { fetcher, urls } = snsFetch();
      const endpoint = hook.endpoint({ env: {}, insecureNoVerification: true, fetch: fetcher });
      expect((await endpoint.post(post(notification(BOUNCE)))).status).toBe(hook.answers.accepted);
      expect(endpoint.events).toHaveLength(2);
      expect((await endpoint.post(post(confirmation()))).status).toBe(403);
      expect(urls).toEqual([]);
    } finally {
      warn.mockRestore();
    }
  });
});

describe("ses webhook: event mapping", () => {
  const eventsOf = (record: Record<string, unknown>) => hook.eventsOf(record);
  const one = { ...MAIL, destination: ["ann@example.com"] };

  it("classifies bounces: Transient soft, Undetermined undetermined, suppression-list rejected", async () => {
    const bounce = (bounceType: string, bounceSubType: string) => ({
      eventType: "Bounce",
      bounce: {
        bounceType,
        bounceSubType,
        bouncedRecipients: [
          { emailAddress: "ann@example.com", diagnosticCode: "smtp; 452 4.2.2 mailbox full" },
        ],
        timestamp: "2026-01-15T11:59:02.669Z",
      },
      mail: one,
    });
    const [soft] = await eventsOf(bounce("Transient", "MailboxFull"));
    expect(soft).toMatchObject({
      type: "bounced",
      bounce: { kind: "soft", reason: "Transient/MailboxFull", diagnostic: "smtp; 452 4.2.2 mailbox full" },
    });
    const [undetermined] = await eventsOf(bounce("Undetermined", "Undetermined"));
    expect(undetermined!.bounce!.kind).toBe("undetermined");
    for (const subType of ["Suppressed", "OnAccountSuppressionList"]) {
      const [suppressed] = await eventsOf(bounce("Permanent", subType));
      expect(suppressed).toMatchObject({
        type: "rejected",
        recipient: "ann@example.com",
        vendorType: "Bounce",
      });
      expect(suppressed!.bounce).toEqual({
        kind: "hard",
        reason: `Permanent/${subType}`,
        diagnostic: "smtp; 452 4.2.2 mailbox full",
      });
    }
  });

  it("takes a complaint SES did not send because of its suppression list as rejected", async () => {
    const [event] = await eventsOf({
      eventType: "Complaint",
      complaint: {
        complainedRecipients: [{ emailAddress: "ann@example.com" }],
        timestamp: "2026-01-15T12:00:00.000Z",
        complaintSubType: "OnAccountSuppressionList",
      },
      mail: one,
    });
    expect(event).toMatchObject({
      type: "rejected",
      vendorType: "Complaint",
      bounce: { kind: "undetermined", reason: "OnAccountSuppressionList" },
    });
  });

  it("maps the older notifications (notificationType) the same way, without tags", async () => {
    const { tags: _, ...untagged } = MAIL;
    const [complaint] = await eventsOf({
      notificationType: "Complaint",
      complaint: {
        complainedRecipients: [{ emailAddress: "ann@example.com" }],
        timestamp: "2026-01-15T12:00:00.000Z",
        feedbackId: "f",
        complaintFeedbackType: "abuse",
      },
      mail: untagged,
    });
    expect(complaint).toMatchObject({
      type: "complained",
      vendorType: "Complaint",
      recipient: "ann@example.com",
      messageId: MESSAGE_ID,
      timestamp: new Date("2026-01-15T12:00:00.000Z"),
      tags: [],
      metadata: {},
    });
    const delivered = await eventsOf({
      notificationType: "Delivery",
      delivery: {
        timestamp: "2026-01-15T11:58:01.000Z",
        recipients: ["ann@example.com", "bob@example.com"],
        smtpResponse: "250 ok",
      },
      mail: untagged,
    });
    expect(delivered.map((event) => [event.type, event.recipient])).toEqual([
      ["delivered", "ann@example.com"],
      ["delivered", "bob@example.com"],
    ]);
  });

  it.each([
    [
      "DeliveryDelay",
      {
        deliveryDelay: {
          timestamp: "2026-01-15T12:00:00.000Z",
          delayType: "TransientCommunicationFailure",
          delayedRecipients: [
            { emailAddress: "ann@example.com", status: "4.4.1", diagnosticCode: "smtp; 421" },
          ],
        },
      },
      {
        type: "deferred",
        recipient: "ann@example.com",
        bounce: { kind: "soft", reason: "TransientCommunicationFailure", diagnostic: "smtp; 421" },
      },
    ],
    [
      "Reject",
      { reject: { reason: "Bad content" } },
      {
        type: "rejected",
        recipient: "ann@example.com",
        bounce: { kind: "undetermined", reason: "Bad content" },
      },
    ],
    [
      "Rendering Failure",
      { failure: { templateName: "welcome", errorMessage: "Attribute 'name' is not present" } },
      {
        type: "rejected",
        recipient: "ann@example.com",
        bounce: {
          kind: "undetermined",
          reason: "Rendering Failure",
          diagnostic: "Attribute 'name' is not present",
        },
      },
    ],
    [
      "Open",
      { open: { ipAddress: "192.0.2.1", timestamp: "2026-01-15T12:00:00.000Z", userAgent: "Mozilla/5.0" } },
      { type: "opened", recipient: "ann@example.com" },
    ],
    [
      "Click",
      {
        click: {
          ipAddress: "192.0.2.1",
          link: "https://posseparty.example/login/abc",
          linkTags: {},
          timestamp: "2026-01-15T12:00:00.000Z",
          userAgent: "Mozilla/5.0",
        },
      },
      { type: "clicked", recipient: "ann@example.com", url: "https://posseparty.example/login/abc" },
    ],
    [
      "Subscription",
      {
        subscription: {
          contactList: "news",
          timestamp: "2026-01-15T12:00:00.000Z",
          source: "UnsubscribeHeader",
          newTopicPreferences: { unsubscribeAll: true, topicSubscriptionStatus: [] },
          oldTopicPreferences: { unsubscribeAll: false, topicSubscriptionStatus: [] },
        },
      },
      { type: "unsubscribed", recipient: "ann@example.com" },
    ],
    ["Send", { send: {} }, { type: "unknown", recipient: "ann@example.com" }],
    ["SomethingNew", {}, { type: "unknown", recipient: "ann@example.com" }],
  ])("maps %s", async (eventType, detail, expected) => {
    const events = await eventsOf({ eventType, ...detail, mail: one });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ ...expected, vendorType: eventType, messageId: MESSAGE_ID });
    expect(events[0]!.eventId).toBe("22b80b92-fdea-4c2c-8f9d-bdfb0c7bf324");
  });

  it("names no recipient for an open of a message sent to several", async () => {
    const [open] = await eventsOf({
      eventType: "Open",
      open: { timestamp: "2026-01-15T12:00:00.000Z" },
      mail: MAIL,
    });
    expect(open).toMatchObject({ type: "opened", recipient: undefined });
  });
});

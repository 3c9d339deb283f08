// The inbox's webhook endpoints: the demo's signed samples of every vendor go through real HTTP into core's
// handlers and the vendor modules (verification on, with the run's secrets), and come back on the page.
import { X509Certificate } from "node:crypto";
import type { MailEvent } from "@posse/mail-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LocalInbox, startLocalInbox } from "../src/inbox/local-inbox.js";
import { createDemoWebhookSecrets, type DemoWebhookSecrets } from "../src/webhooks/demo-secrets.js";
import { createEventStore } from "../src/webhooks/event-store.js";
import { postSampleEvents, sampleTargets } from "../src/webhooks/post-samples.js";
import { type SamplePost, type SampleTarget, samplePosts } from "../src/webhooks/sample-events.js";
import { WEBHOOK_VENDORS } from "../src/webhooks/webhook-endpoints.js";
import { collector } from "./helpers.js";

let inbox: LocalInbox;
let targets: SampleTarget[];

/** A plain message with this Message-ID and a link, as the SMTP provider would deliver it. */
function message(n: number): Buffer {
  return Buffer.from(
    [
      "From: POSSE Party <possy@localhost.test>",
      `To: ann${n}@localhost.test`,
      `Subject: Message ${n}`,
      `Message-ID: <message-${n}.b7e1@localhost.test>`,
      "Content-Type: text/plain; charset=utf-8",
      "",
      `Open https://posse-party.example/link/${n} to continue.`,
      "",
    ].join("\r\n"),
  );
}

const ids = [1, 2, 3].map((n) => `<message-${n}.b7e1@localhost.test>`);

beforeAll(async () => {
  inbox = await startLocalInbox();
  for (const n of [1, 2, 3]) {
    await inbox.smtp.deliver(message(n), { from: "possy@localhost.test", to: [`ann${n}@localhost.test`] });
  }
  targets = sampleTargets(inbox.smtp.messages, ids);
});

afterAll(async () => {
  await inbox.close();
});

function post(sample: Pick<SamplePost, "vendor" | "headers" | "body">, url = inbox.web.url) {
  return fetch(new URL(`webhooks/${sample.vendor}`, url), {
    method: "POST",
    headers: sample.headers,
    body: sample.body,
  });
}

const page = async (path: string) => (await fetch(new URL(path, inbox.web.url))).text();
const summary = (events: readonly MailEvent[]) =>
  events.map(({ type, provider, recipient, url, bounce }) => ({
    type,
    provider,
    recipient,
    ...(url !== undefined && { url }),
    ...(bounce !== undefined && { bounce }),
  }));

describe("sample targets", () => {
  it("are the inbox's messages with the ids send() returned, with their recipient and first link", () => {
    expect(targets).toEqual(
      [1, 2, 3].map((n) => ({
        messageId: ids[n - 1],
        name: `#${n}`,
        recipient: `ann${n}@localhost.test`,
        subject: `Message ${n}`,
        link: `https://posse-party.example/link/${n}`,
      })),
    );
  });
});

describe("the inbox's webhook endpoints", () => {
  it("accept each vendor's signed sample (200) and keep its events under the message id send() returned", async () => {
    const samples = samplePosts(inbox.webhookSecrets, targets).filter((sample) => sample.authentic);
    expect(samples.map((sample) => sample.vendor).sort()).toEqual([...WEBHOOK_VENDORS].sort());
    for (const sample of samples) {
      expect({ vendor: sample.vendor, status: (await post(sample)).status }).toEqual({
        vendor: sample.vendor,
        status: 200,
      });
    }
    expect(summary(inbox.events.forMessage(ids[0]!))).toEqual([
      { type: "delivered", provider: "amazon_ses", recipient: "ann1@localhost.test" },
      { type: "opened", provider: "postmark", recipient: "ann1@localhost.test" },
      {
        type: "clicked",
        provider: "resend",
        recipient: "ann1@localhost.test",
        url: "https://posse-party.example/link/1",
      },
    ]);
    expect(summary(inbox.events.forMessage(ids[1]!))).toEqual([
      {
        type: "deferred",
        provider: "sendgrid",
        recipient: "ann2@localhost.test",
        bounce: { kind: "soft", diagnostic: "421 4.7.0 Try again later, closing connection (greylisted)" },
      },
      { type: "delivered", provider: "sendgrid", recipient: "ann2@localhost.test" },
      {
        type: "clicked",
        provider: "mailgun",
        recipient: "ann2@localhost.test",
        url: "https://posse-party.example/link/2",
      },
    ]);
    expect(summary(inbox.events.forMessage(ids[2]!))).toEqual([
      {
        type: "bounced",
        provider: "brevo",
        recipient: "ann3@localhost.test",
        bounce: {
          kind: "hard",
          reason: "hard_bounce",
          diagnostic: "550 5.1.1 <ann3@localhost.test>: Recipient address rejected: User unknown",
        },
      },
    ]);
    // Brevo's hard bounce put its recipient on the run's suppression list; nothing else suppressed anyone.
    expect(await inbox.suppression.list()).toEqual([
      expect.objectContaining({ address: "ann3@localhost.test", reason: "hard-bounce", provider: "brevo" }),
    ]);
    // Mailjet names messages by its own 64-bit number: kept digit for digit, joined to no inbox message.
    const mailjet = inbox.events.all().filter((event) => event.provider === "mailjet");
    const posted = /"MessageID":(\d+)/.exec(samples.find((s) => s.vendor === "mailjet")!.body)![1];
    expect(mailjet.map((event) => [event.type, event.messageId])).toEqual([["delivered", posted]]);
    expect(posted).toMatch(/^\d{19}$/);

    const messagePage = await page(`/messages/${inbox.smtp.messages[0]!.id}`);
    expect(messagePage).toContain('data-testid="timeline"');
    expect(messagePage).toContain('<span class="event clicked">clicked</span>');
    expect(messagePage).toContain('<code data-testid="url">https://posse-party.example/link/1</code>');
    const listPage = await page("/");
    expect(listPage).toContain('data-testid="other-events"');
    expect(listPage).toContain(`<code>${posted}</code>`);
  });

  it("refuse every vendor's post signed with secrets or keys they do not know (401), and show nothing of it", async () => {
    const other = await createDemoWebhookSecrets();
    // Another SNS key, but naming the endpoint's topic and certificate: only the signature is wrong.
    const forger: DemoWebhookSecrets = {
      ...other,
      ses: {
        ...other.ses,
        topicArn: inbox.webhookSecrets.ses.topicArn,
        certificateUrl: inbox.webhookSecrets.ses.certificateUrl,
      },
    };
    const target: SampleTarget = { ...targets[0]!, link: "https://phish.example/forged" };
    const before = inbox.events.all().length;
    for (const sample of samplePosts(forger, [target]).filter((s) => s.authentic)) {
      expect({ vendor: sample.vendor, status: (await post(sample)).status }).toEqual({
        vendor: sample.vendor,
        status: 401,
      });
    }
    expect(inbox.events.all()).toHaveLength(before);
    expect(await page(`/messages/${inbox.smtp.messages[0]!.id}`)).not.toContain("phish.example");
  });

  it("refuse a sample whose body was changed after signing, as the demo's forged post shows", async () => {
    const out = collector();
    const fresh = await startLocalInbox();
    try {
      for (const n of [1, 2, 3]) await fresh.smtp.deliver(message(n), { to: [`ann${n}@localhost.test`] });
      const outcomes = await postSampleEvents({
        inboxUrl: fresh.web.url,
        secrets: fresh.webhookSecrets,
        targets: sampleTargets(fresh.smtp.messages, ids),
        out,
      });
      expect(outcomes.map(({ post, status }) => [post.vendor, post.authentic, status])).toEqual([
        ["amazon-ses", true, 200],
        ["postmark", true, 200],
        ["resend", true, 200],
        ["sendgrid", true, 200],
        ["mailgun", true, 200],
        ["brevo", true, 200],
        ["mailjet", true, 200],
        ["resend", false, 401],
      ]);
      expect(out.text()).toContain(
        "  POST /webhooks/resend      forged email.clicked of #3 (body changed after signing)… 401 refused\n",
      );
      expect(fresh.events.all().filter((event) => event.url?.includes("phish"))).toEqual([]);
      expect(fresh.events.forMessage(ids[2]!).map((event) => event.provider)).toEqual(["brevo"]);
    } finally {
      await fresh.close();
    }
  });

  it("answer 405 to other methods, and a request for an unknown vendor is no webhook", async () => {
    const get = await fetch(new URL("webhooks/postmark", inbox.web.url));
    expect([get.status, get.headers.get("allow")]).toEqual([405, "POST"]);
    const unknown = await fetch(new URL("webhooks/acme", inbox.web.url), { method: "POST", body: "{}" });
    expect(unknown.status).toBe(405);
  });

  it("show events on the page escaped: a verified event's text is text, never markup", async () => {
    const { username, password } = inbox.webhookSecrets.postmark;
    const authorization = `Basic ${Buffer.from(`${username}:${password}`).toString("base64")}`;
    const records = [
      {
        RecordType: "Bounce",
        Type: "HardBounce",
        MessageID: ids[2],
        Email: '"><script>alert(1)</script>@evil.test',
        BouncedAt: "2026-03-01T12:00:09Z",
        Details: "550 <b>no</b> & <img src=x onerror=alert(2)>",
      },
      {
        RecordType: "Click",
        MessageID: ids[2],
        Recipient: "ann3@localhost.test",
        ReceivedAt: "2026-03-01T12:00:10Z",
        OriginalLink: 'https://evil.test/"><script>alert(3)</script>',
      },
    ];
    for (const record of records) {
      const response = await post({
        vendor: "postmark",
        headers: { authorization, "content-type": "application/json" },
        body: JSON.stringify(record),
      });
      expect(response.status).toBe(200);
    }
    const html = await page(`/messages/${inbox.smtp.messages[2]!.id}`);
    expect(html).not.toContain("<script>");
    expect(html).not.toContain("<img src=x");
    expect(html).toContain("&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;@evil.test");
    expect(html).toContain("550 &lt;b&gt;no&lt;/b&gt; &amp; &lt;img src=x onerror=alert(2)&gt;");
    expect(html).toContain(
      '<code data-testid="url">https://evil.test/&quot;&gt;&lt;script&gt;alert(3)&lt;/script&gt;</code>',
    );
  });
});

describe("the event store", () => {
  const event = (messageId: string | undefined, second: number): MailEvent => ({
    type: "delivered",
    provider: "postmark",
    messageId,
    recipient: "ann@localhost.test",
    timestamp: new Date(Date.UTC(2026, 2, 1, 12, 0, second)),
    vendorType: "Delivery",
    tags: [],
    metadata: {},
    raw: {},
  });

  it("keeps events per message id, oldest first by the vendor's time", () => {
    const store = createEventStore();
    store.add([event("<a>", 5), event("<b>", 1), event("<a>", 2)]);
    expect(store.forMessage("<a>").map((e) => e.timestamp.getUTCSeconds())).toEqual([2, 5]);
    expect(store.all().map((e) => e.timestamp.getUTCSeconds())).toEqual([1, 2, 5]);
    expect(store.forMessage("<c>")).toEqual([]);
  });

  it("holds at most maxMessages ids (the one that got an event longest ago goes) and maxEventsPerMessage each", () => {
    const store = createEventStore({ maxMessages: 2, maxEventsPerMessage: 3 });
    store.add([event("<a>", 1), event("<b>", 2), event("<a>", 3)]);
    store.add([event("<c>", 4)]);
    expect(store.forMessage("<b>")).toEqual([]);
    expect(store.forMessage("<a>")).toHaveLength(2);
    store.add([event("<c>", 5), event("<c>", 6), event("<c>", 7), event(undefined, 8)]);
    expect(store.forMessage("<a>")).toEqual([]);
    expect(store.forMessage("<c>").map((e) => e.timestamp.getUTCSeconds())).toEqual([5, 6, 7]);
    expect(store.all()).toHaveLength(4);
  });
});

describe("the demo's SNS signing certificate", () => {
  it("is a valid self-signed X.509 certificate of the key that signs the SES sample, made per run", async () => {
    const certificate = new X509Certificate(inbox.webhookSecrets.ses.certificate);
    expect(certificate.verify(certificate.publicKey)).toBe(true);
    expect(certificate.publicKey.asymmetricKeyType).toBe("rsa");
    expect(new Date(certificate.validFrom).getTime()).toBeLessThan(Date.now());
    expect(new Date(certificate.validTo).getTime()).toBeGreaterThan(Date.now());
    const other = await createDemoWebhookSecrets();
    expect(other.ses.certificate).not.toBe(inbox.webhookSecrets.ses.certificate);
    expect(other.resendSecret).not.toBe(inbox.webhookSecrets.resendSecret);
    expect(other.ses.certificateUrl).toMatch(
      /^https:\/\/sns\.us-east-1\.amazonaws\.com\/SimpleNotificationService-[0-9a-f]{32}\.pem$/,
    );
  });
});

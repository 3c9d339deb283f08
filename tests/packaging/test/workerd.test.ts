// Cloudflare Workers: each vendor's webhook and each provider's sending, bundled as a Worker with esbuild from
// the built packages and run in workerd (from the npm registry) on loopback, reaching nothing but loopback.
// Webhooks: the bundle of `@posse/mail-core/webhooks` and the vendor's `/webhooks` subpath holds no Node
// built-in (a neutral-platform build with nothing external would fail on one); the Worker accepts a signed
// post (200, its events delivered) and refuses a forged one (401, none delivered). SES fetches its signing
// certificate from a loopback stand-in. Sending: a Worker that imports the provider package builds a mailer
// from its env bindings and sends to a loopback stub of the vendor (SMTP to a loopback sink).
// docs/providers.md's runtime table states what this proves.
import { randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  EXPECTED_IDS,
  providerSetups,
  type SignedSample,
  signedSamples,
  startVendorStub,
} from "./runtime-vendors.js";
import { type SmtpSink, startSmtpSink } from "./smtp-sink.js";
import { sendWorker, WEBHOOK_VENDORS, webhookWorker } from "./worker-sources.js";
import { bundleWorker, type RunningWorker, startWorker } from "./workerd.js";

let stub: Awaited<ReturnType<typeof startVendorStub>>;
let sink: SmtpSink;
let standIn: { url: string; requests: string[]; certificate: string; server: Server };

/** Serves the SES sample's certificate at /sns-certificate.pem on 127.0.0.1:0, recording each request. */
async function startCertificateStandIn(certificate: string) {
  const requests: string[] = [];
  const server = createServer((request, response) => {
    requests.push(`${request.method} ${request.url}`);
    response.writeHead(request.url === "/sns-certificate.pem" ? 200 : 404, { "content-type": "text/plain" });
    response.end(request.url === "/sns-certificate.pem" ? certificate : "");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests, certificate, server };
}

beforeAll(async () => {
  const ses = signedSamples().find((sample) => sample.vendor === "amazon-ses")!;
  [stub, sink, standIn] = await Promise.all([
    startVendorStub(),
    startSmtpSink(),
    startCertificateStandIn(ses.options.certificate as string),
  ]);
});

afterAll(async () => {
  await sink?.close();
  for (const server of [stub?.server, standIn?.server])
    await new Promise((resolve) => server?.close(resolve));
});

/** Runs `work` against a workerd serving `bundle`, stopping it afterwards. */
async function withWorker<T>(
  worker: Promise<RunningWorker>,
  work: (worker: RunningWorker) => Promise<T>,
): Promise<T> {
  const running = await worker;
  try {
    return await work(running);
  } finally {
    await running.stop();
  }
}

/**
 * The same post as a forger makes it: wrong credentials where the vendor checks credentials, a recipient
 * changed after signing where it signs the body, and for Mailgun (which signs only a timestamp and a token)
 * a token of the forger's own under the captured signature.
 */
function forged(sample: SignedSample): { headers: Record<string, string>; body: string } {
  const scheme = sample.headers.authorization?.split(" ")[0];
  const headers = scheme
    ? { ...sample.headers, authorization: `${scheme} d3Jvbmc6d3Jvbmc=` }
    : sample.headers;
  let body = sample.body.replace("ann@example.com", "eve@example.com");
  if (sample.vendor === "mailgun") {
    const post = JSON.parse(body) as { signature: { token: string } };
    post.signature.token = randomBytes(25).toString("hex");
    body = JSON.stringify(post);
  }
  return { headers, body };
}

/** The event each vendor's signed sample carries, as `type messageId`. */
const DELIVERED: Record<string, string> = {
  "amazon-ses": "delivered ses-1",
  postmark: "delivered postmark-1",
  resend: "delivered resend-1",
  mailgun: "delivered <mailgun-1@mg.example.com>",
  sendgrid: "delivered sendgrid-1",
  brevo: "delivered <brevo-1@smtp-relay.mailin.fr>",
  mailjet: "delivered 1152921504606846977",
};

describe.each(WEBHOOK_VENDORS)("the %s webhook as a Worker in workerd", (vendor) => {
  it("bundles with no Node built-in, accepts a signed post and refuses a forged one", async () => {
    const sample = signedSamples().find((candidate) => candidate.vendor === vendor)!;
    const { source, bindings } = webhookWorker(sample, `${standIn.url}/sns-certificate.pem`);
    const bundle = await bundleWorker(source, { nodeBuiltins: false });
    expect(bundle.imports).toEqual([]);
    const certificateFetches = standIn.requests.length;

    const answers = await withWorker(startWorker(bundle, bindings), async ({ url }) => {
      const post = async ({ headers, body }: { headers: Record<string, string>; body: string }) => {
        const answer = await fetch(`${url}/webhooks/${vendor}`, { method: "POST", headers, body });
        return { status: answer.status, events: JSON.parse(answer.headers.get("x-events") ?? "null") };
      };
      return { authentic: await post(sample), forged: await post(forged(sample)) };
    });

    expect(answers.authentic).toEqual({ status: 200, events: [DELIVERED[vendor]] });
    expect(answers.forged).toEqual({ status: 401, events: [] });
    if (vendor === "amazon-ses") {
      expect(standIn.requests.slice(certificateFetches)).toEqual(["GET /sns-certificate.pem"]);
    }
  });
});

/** Each provider's package, Worker env bindings and endpoint on the loopback stub (SMTP: the sink). */
function sendSetups() {
  const http = providerSetups(stub.url).map((setup) => ({
    id: setup.id,
    packageName: `@posse/mail-${setup.id.replace("_", "-")}`,
    env: setup.env,
    endpoint: setup.endpoint as string | undefined,
  }));
  const smtp = {
    id: "smtp",
    packageName: "@posse/mail-smtp",
    env: { SMTP_HOST: "127.0.0.1", SMTP_PORT: String(sink.port), SMTP_ENABLE_STARTTLS: "false" },
    endpoint: undefined,
  };
  return [...http, smtp];
}

const ENV = { MAIL_FROM_ADDRESS: "possy@example.com", MAIL_RETRY_ATTEMPTS: "1" };

/** Bundles a send Worker, runs it with `env` bound, and returns what its one send answered. */
async function sendFromWorker(
  packageName: string | undefined,
  env: Record<string, string>,
  endpoint?: string,
) {
  const bundle = await bundleWorker(sendWorker(packageName, endpoint), { nodeBuiltins: true });
  return withWorker(startWorker(bundle, { ...ENV, ...env }), async ({ url, stderr }) => {
    const answer = await fetch(url, { method: "POST" });
    expect(answer.status, stderr()).toBe(200);
    return (await answer.json()) as { messageId?: string; error?: { code?: string; message?: string } };
  });
}

describe("sending from a Worker in workerd", () => {
  it.each(["amazon_ses", "resend", "mailgun", "postmark", "sendgrid", "brevo", "mailjet", "smtp"])(
    "%s: a mailer from the env bindings sends to the loopback vendor",
    async (id) => {
      const setup = sendSetups().find((candidate) => candidate.id === id)!;
      const before = { stub: stub.requests.length, smtp: sink.received.length };
      const sent = await sendFromWorker(
        setup.packageName,
        { MAIL_PROVIDER: id, ...setup.env },
        setup.endpoint,
      );
      if (id === "smtp") {
        expect(sent).toEqual({ messageId: expect.stringMatching(/^<.+@example\.com>$/) });
        expect(sink.received.slice(before.smtp).map((message) => message.rcptTo)).toEqual([
          ["ann@example.com"],
        ]);
      } else {
        expect(sent).toEqual({ messageId: EXPECTED_IDS[id] });
        expect(stub.requests.slice(before.stub)).toHaveLength(1);
      }
    },
  );

  it("without the provider's import, createMailerFromEnv fails with a CONFIG error that says to import it", async () => {
    const sent = await sendFromWorker(
      undefined,
      { MAIL_PROVIDER: "postmark", POSTMARK_API_TOKEN: "rt-postmark" },
      stub.url,
    );
    expect(sent).toEqual({
      error: {
        name: "MailError",
        code: "CONFIG",
        message:
          'MAIL_PROVIDER=postmark: @posse/mail-postmark was not looked for: with no entry module (node -e, node -p, stdin, a REPL, a bundled Worker) there is no directory to find provider packages from, and none is loaded from the working directory; import "@posse/mail-postmark" yourself before createMailerFromEnv, or run your code from a file',
      },
    });
  });
});

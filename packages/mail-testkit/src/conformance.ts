import {
  type CreateMailerOptions,
  createMailerFromEnv,
  type Mailer,
  type MailMessage,
  resolveMailProvider,
} from "@posse/mail-core";
import {
  CONTRACT_FROM,
  closedPort,
  createContractMailer,
  createFakeClock,
  deferred,
  findSecret,
  minimalMessage,
  sdkLoadReport,
  startRecordingVendor,
} from "@posse/mail-core/testing";
import { delay, http, passthrough } from "msw";
import { describe, expect, it } from "vitest";
import { captureSends, carries } from "./capture.js";
import { RETRY_BUDGETS, STATUS_CASES } from "./error-matrix.js";
import { FIELD_CASES } from "./field-cases.js";
import { describeHostileAnswers } from "./hostile-answers.js";
import { startResettingServer } from "./loopback.js";
import { describePlainHttp } from "./plain-http.js";
import { describeRequestStarting } from "./request-starting.js";
import type { CapturedRequest, ProviderConformance } from "./spec.js";
import { type Output, watchOutput } from "./watch-output.js";

/** Display names a naive formatter turns into other recipients or decoded text. */
const HOSTILE: MailMessage = {
  ...minimalMessage,
  from: { address: "possy@posseparty.example", name: "«Possy» Party" },
  to: [
    { address: "ann@example.com", name: 'Doe, Ann "Annie"' },
    { address: "bob@example.com", name: "=?UTF-8?B?Qm9i?=" },
    { address: "carol@example.com", name: "Eve <eve@evil.example>, Mallory" },
    "dave@example.com",
  ],
};

/** 2xx answers that are not a vendor's success, served by a real loopback server (as a captive portal would). */
const NOT_SUCCESS: [string, { status: number; contentType: string; body: string }][] = [
  [
    "a 200 HTML page (a captive portal)",
    { status: 200, contentType: "text/html", body: "<html><body>Welcome to the hotel Wi-Fi</body></html>" },
  ],
  ["a 200 empty JSON object", { status: 200, contentType: "application/json", body: "{}" }],
];

/**
 * Defines the conformance suite for one provider in the calling test file: every check each provider must
 * pass, against the vendor mocked by `spec.server`. Call it at the top level of a vitest file.
 */
export function describeProviderConformance<Config>(spec: ProviderConformance<Config>): void {
  const id = spec.definition.id;
  const mailer = (options: Partial<CreateMailerOptions> = {}, config: Config = spec.config) =>
    createContractMailer(spec.definition, config, options);

  /** Checks an error, the events and the console output of a send for every secret form. */
  function expectNoSecret(error: unknown, output: Output) {
    expect(findSecret(error, spec.secrets)).toBeUndefined();
    expect(findSecret(output.events, spec.secrets)).toBeUndefined();
    expect(findSecret(output.logs, spec.secrets)).toBeUndefined();
  }

  /** Sends through a mailer that records hooks and console output; resolves to the error (or receipt). */
  async function sendWatched(options: Partial<CreateMailerOptions> = {}, config?: Config) {
    const output = watchOutput();
    try {
      const sender = await mailer({ hooks: output.hooks, ...options }, config);
      const outcome = await sender.send(minimalMessage).catch((error: unknown) => error);
      return { outcome, output };
    } finally {
      output.restore();
    }
  }

  describe(`${id} conformance (@posse/mail-testkit)`, () => {
    it("sends a minimal message in one request and returns the vendor's message id", async () => {
      const captured = captureSends(spec);
      const receipt = await (await mailer()).send(minimalMessage);
      expect(receipt).toEqual({ provider: id, messageId: spec.messageId });
      expect(captured).toHaveLength(1);
      expect(captured[0]!.method).toBe("POST");
      expect(captured[0]!.url).toBe(spec.sendUrl);
    });

    describe("every message field reaches the vendor, or is refused with UNSUPPORTED before any request", () => {
      it.each(FIELD_CASES.map((c) => [c.field, c] as const))("%s", async (field, fieldCase) => {
        const captured = captureSends(spec);
        const outcome = await (await mailer())
          .send(fieldCase.message)
          .then((receipt) => ({ receipt }))
          .catch((error: unknown) => ({ error }));
        if ("error" in outcome) {
          expect(outcome.error).toMatchObject({ name: "MailError", code: "UNSUPPORTED", provider: id });
          const named = (outcome.error as { field?: string }).field ?? "";
          expect(named === field || named.startsWith(`${field}[`) || named.startsWith(`${field}.`)).toBe(
            true,
          );
          expect(captured).toHaveLength(0);
          return;
        }
        expect(captured).toHaveLength(1);
        const form = spec.carriedAs?.[field] ?? ((marker: string) => marker);
        for (const marker of fieldCase.markers)
          expect(carries(captured[0]!, form(marker)), marker).toBe(true);
        for (const marker of fieldCase.bytes ?? [])
          expect(carries(captured[0]!, form(marker), true), marker).toBe(true);
      });
    });

    it("carries hostile display names and encoded-word look-alikes as written, adding no recipient", async () => {
      const captured = captureSends(spec);
      await (await mailer()).send(HOSTILE);
      expect(captured).toHaveLength(1);
      expect(await spec.addresses(captured[0]!)).toEqual({
        from: { address: "possy@posseparty.example", name: "«Possy» Party" },
        to: [
          { address: "ann@example.com", name: 'Doe, Ann "Annie"' },
          { address: "bob@example.com", name: "=?UTF-8?B?Qm9i?=" },
          { address: "carol@example.com", name: "Eve <eve@evil.example>, Mallory" },
          { address: "dave@example.com" },
        ],
      });
    });

    describe("maps every HTTP failure to its MailError, in one request, with no secret anywhere", () => {
      it.each(STATUS_CASES.map((c) => [c.status, c] as const))("HTTP %i", async (status, expected) => {
        // The vendor echoes the credentials back, as some do in auth errors.
        const text = `vendor-text-${status} (echo: ${spec.secrets.join(" ")})`;
        let requests = 0;
        spec.server.use(
          http.post(spec.sendUrl, () => {
            requests += 1;
            return spec.failure(status, text, expected.headers);
          }),
        );
        const { outcome, output } = await sendWatched();
        expect(outcome).toMatchObject({
          name: "MailError",
          code: spec.errorCodes?.[status] ?? expected.code,
          provider: id,
          status,
          retryable: expected.retryable,
          outcomeUnknown: expected.outcomeUnknown,
          ...(expected.retryAfterMs !== undefined && { retryAfterMs: expected.retryAfterMs }),
        });
        expect((outcome as Error).message).toContain(`vendor-text-${status}`);
        expect(requests).toBe(1);
        expectNoSecret(outcome, output);
      });
    });

    it("maps a refused connection to NETWORK, retryable, known not to have arrived", async () => {
      const origin = `http://127.0.0.1:${await closedPort()}`;
      spec.server.use(http.all(`${origin}/*`, () => passthrough()));
      const { outcome, output } = await sendWatched({}, spec.withEndpoint(origin));
      expect(outcome).toMatchObject({
        name: "MailError",
        code: "NETWORK",
        provider: id,
        retryable: true,
        outcomeUnknown: false,
      });
      expect((outcome as Error).message).toContain("ECONNREFUSED");
      expectNoSecret(outcome, output);
    });

    it("maps a connection reset after the request went out to NETWORK with an unknown outcome", async () => {
      const vendor = await startResettingServer();
      try {
        spec.server.use(http.all(`${vendor.origin}/*`, () => passthrough()));
        const { outcome, output } = await sendWatched({}, spec.withEndpoint(vendor.origin));
        expect(outcome).toMatchObject({
          name: "MailError",
          code: "NETWORK",
          provider: id,
          retryable: true,
          outcomeUnknown: true,
        });
        expect(vendor.requests()).toBe(1);
        expectNoSecret(outcome, output);
      } finally {
        await vendor.close();
      }
    });

    it("times out a hanging request on the injected clock: TIMEOUT, retryable, outcome unknown", async () => {
      let requests = 0;
      let aborted = false;
      spec.server.use(
        http.post(spec.sendUrl, async ({ request }) => {
          requests += 1;
          request.signal.addEventListener("abort", () => {
            aborted = true;
          });
          await delay("infinite");
          return spec.success();
        }),
      );
      const clock = createFakeClock();
      const send = (await mailer({ clock, timeoutMs: 5_000 })).send(minimalMessage);
      const error = await clock.settle(send).catch((e: unknown) => e);
      expect(error).toMatchObject({
        name: "MailError",
        code: "TIMEOUT",
        provider: id,
        retryable: true,
        outcomeUnknown: true,
      });
      expect(clock.sleeps).toEqual([5_000]);
      expect(requests).toBe(1);
      if (spec.abortsRequest) expect(aborted).toBe(true);
    });

    it("rejects with ABORTED, not retried, as soon as the caller aborts a request in flight", async () => {
      const reached = deferred();
      let requests = 0;
      let aborted = false;
      spec.server.use(
        http.post(spec.sendUrl, async ({ request }) => {
          requests += 1;
          request.signal.addEventListener("abort", () => {
            aborted = true;
          });
          reached.resolve();
          await delay("infinite");
          return spec.success();
        }),
      );
      const sender = await mailer({ timeoutMs: 60_000, retry: { attempts: 3 } });
      const controller = new AbortController();
      const send = sender.send(minimalMessage, { signal: controller.signal }).catch((e: unknown) => e);
      await reached.promise;
      controller.abort();
      expect(await send).toMatchObject({
        name: "MailError",
        code: "ABORTED",
        provider: id,
        retryable: false,
      });
      expect(requests).toBe(1);
      if (spec.abortsRequest) expect(aborted).toBe(true);
    });

    describe("MAIL_RETRY_ATTEMPTS=N makes exactly N requests", () => {
      it.each(RETRY_BUDGETS)("N=%i, HTTP %i", async (attempts, status) => {
        const seen: CapturedRequest[] = [];
        spec.server.use(
          http.post(spec.sendUrl, ({ request }) => {
            seen.push({ method: request.method, url: request.url, headers: request.headers, text: "" });
            return spec.failure(status, "try again later", {});
          }),
        );
        const clock = createFakeClock();
        const output = watchOutput();
        let sender: Mailer | undefined;
        try {
          sender = await createMailerFromEnv({
            env: {
              ...spec.env,
              MAIL_PROVIDER: id,
              MAIL_FROM_ADDRESS: CONTRACT_FROM,
              MAIL_RETRY_ATTEMPTS: String(attempts),
            },
            clock,
            random: () => 0.5,
            hooks: output.hooks,
          });
          const error = await clock
            .settle(sender.send(minimalMessage), { maxTimerMs: 10_000 })
            .catch((e: unknown) => e);
          expect(error).toMatchObject({
            name: "MailError",
            provider: id,
            code: status === 429 ? "RATE_LIMITED" : "UNAVAILABLE",
          });
          expectNoSecret(error, output);
        } finally {
          output.restore();
          await sender?.close();
        }
        expect(seen).toHaveLength(attempts);
        expect(seen.every((request) => request.url === spec.sendUrl && request.method === "POST")).toBe(true);
      });
    });

    describe("a 2xx that is not the vendor's success is no receipt: UNKNOWN, outcome unknown, sent once", () => {
      it.each(NOT_SUCCESS)("%s", async (_, answer) => {
        const vendor = await startRecordingVendor(answer);
        try {
          spec.server.use(http.all(`${vendor.url}/*`, () => passthrough()));
          const { outcome, output } = await sendWatched(
            { retry: { attempts: 3, baseDelayMs: 1, maxDelayMs: 1 } },
            spec.withEndpoint(vendor.url),
          );
          expect(outcome).toMatchObject({
            name: "MailError",
            code: "UNKNOWN",
            provider: id,
            outcomeUnknown: true,
          });
          expect(vendor.requests).toHaveLength(1);
          expect(output.events.filter((event) => "messageId" in (event as object))).toEqual([]);
        } finally {
          await vendor.close();
        }
      });
    });

    describeHostileAnswers(spec, mailer);
    describePlainHttp(spec, mailer);
    describeRequestStarting(spec, mailer);

    it("is chosen by MAIL_PROVIDER and detected from its variables when MAIL_PROVIDER is blank", () => {
      const env = { ...spec.env, MAIL_FROM_ADDRESS: CONTRACT_FROM };
      expect(resolveMailProvider({ ...env, MAIL_PROVIDER: id })).toMatchObject({
        id,
        reason: "explicit",
        configured: true,
      });
      expect(resolveMailProvider(env)).toMatchObject({
        id,
        chain: [id],
        reason: "detected",
        configured: true,
      });
    });

    if (spec.sdk) {
      const sdk = spec.sdk;
      describe.each(sdk.entries.map((entry) => [entry]))("%s", (entry) => {
        it("loads the vendor SDK only when a mailer is created, not on import", async () => {
          const report = await sdkLoadReport({ entry, providerId: id, config: spec.config });
          expect(report.afterImport.filter((url) => url.includes(sdk.module))).toEqual([]);
          expect(report.afterCreate.some((url) => url.includes(sdk.module))).toBe(true);
        }, 30_000); // a fresh Node process loads the whole SDK: generous on a busy CI machine
      });
    }
  });
}

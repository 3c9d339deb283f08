import { createWebhookHandler, type MailEvent } from "@posse/mail-core";
import { expect } from "vitest";
import { expectRefused } from "./refusal.js";
import { answersOf, type WebhookAnswer, type WebhookAnswers, type WebhookConformance } from "./spec.js";

/** A handler over one webhook instance (so a replay cache or certificate cache lives across its posts). */
export interface WebhookEndpoint {
  /** Posts one request and reads the answer. */
  post(request: Request): Promise<WebhookAnswer>;
  /** Every event handed over so far, in order. */
  readonly events: readonly MailEvent[];
}

/** What an endpoint is made with besides the webhook's options. */
export interface EndpointLimits {
  /** The handler's body limit; core's default when left out. */
  readonly maxBodyBytes?: number;
  /** What storing the events does; keeping them by default. */
  readonly onEvents?: () => Promise<void>;
}

/** The helpers a vendor's own tests (payloads and mapping) use; returned by `describeWebhookConformance`. */
export interface WebhookTester<Options, Payload> {
  /** The vendor's statuses, core's refusals filled in: assert `answers.accepted` rather than a number. */
  readonly answers: Required<WebhookAnswers>;
  /** A handler over a new webhook made with `options` (the spec's by default; given options replace them). */
  endpoint(options?: Options, limits?: EndpointLimits): WebhookEndpoint;
  /** One post to a new endpoint. */
  deliver(request: Request, options?: Options): Promise<WebhookAnswer>;
  /** The events of a valid post of `payload`; fails unless it is answered with the vendor's `accepted`. */
  eventsOf(payload: Payload, options?: Options): Promise<MailEvent[]>;
  /** A valid post of `payload` (its body from `body`, posted with `post`). */
  valid(payload: Payload): Request;
  /**
   * Posts `request` to a new endpoint and checks it is refused: `status`, no secret in the answer's text or
   * headers, no event handed over, nothing logged (webhook creation included). Returns the answer.
   */
  refuses(request: Request, status: number, options?: Options): Promise<WebhookAnswer>;
}

/** The helpers over one vendor's spec. */
export function webhookTester<Options, Payload, Config>(
  spec: WebhookConformance<Options, Payload, Config>,
): WebhookTester<Options, Payload> {
  const endpoint = (options = spec.options, limits: EndpointLimits = {}): WebhookEndpoint => {
    const events: MailEvent[] = [];
    let batch: readonly MailEvent[] = [];
    const handler = createWebhookHandler(spec.webhook(options), {
      onEvents: (handed) => {
        if (limits.onEvents) return limits.onEvents();
        batch = handed;
        events.push(...handed);
      },
      ...(limits.maxBodyBytes !== undefined && { maxBodyBytes: limits.maxBodyBytes }),
    });
    return {
      events,
      async post(request) {
        batch = [];
        const response = await handler(request);
        return {
          status: response.status,
          text: await response.text(),
          headers: response.headers,
          events: batch,
        };
      },
    };
  };
  const valid = (payload: Payload) => spec.post(spec.body(payload));
  return {
    answers: answersOf(spec),
    endpoint,
    valid,
    deliver: (request, options) => endpoint(options).post(request),
    refuses: (request, status, options) =>
      expectRefused(() => endpoint(options).post(request), { status, secrets: spec.secrets }),
    async eventsOf(payload, options) {
      const answer = await endpoint(options).post(valid(payload));
      expect(answer.status, answer.text).toBe(spec.answers.accepted);
      return [...answer.events];
    },
  };
}

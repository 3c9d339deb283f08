import type {
  MailEvent,
  MailMessage,
  ProviderDefinition,
  SendReceipt,
  WebhookDefinition,
} from "@posse/mail-core";
import type { SdkCheck } from "../spec.js";

/**
 * The statuses a vendor's webhook answers with. `accepted` and `failed` are the vendor's own (what stops its
 * retries, what makes it send again: 200 and 503 for most, Brevo's 429), so each vendor states them; the
 * refusals default to core's answers.
 */
export interface WebhookAnswers {
  /** A verified post whose events were handed over (or that carried none). */
  readonly accepted: number;
  /** A verified post whose events `onEvents` failed to store (or a full replay store): the status that makes this vendor send it again. */
  readonly failed: number;
  /** A post without valid credentials or signature; default 401. */
  readonly forged?: number;
  /** A signed timestamp outside the window; default 403. */
  readonly stale?: number;
  /** A post already seen; default 403. */
  readonly replayed?: number;
  /** An authentic post the webhook's settings refuse (an SNS topic not allowed); default 403. */
  readonly forbidden?: number;
  /** An authentic body that is not the vendor's; default 400. */
  readonly malformed?: number;
  /** An authentic body over `maxBodyBytes`; default 413. */
  readonly oversized?: number;
  /**
   * A post without credentials over `maxBodyBytes`: `forged` by default, as credentials are checked before the
   * body is read; 413 where they are inside the body (`credentialsInBody`).
   */
  readonly oversizedUnsigned?: number;
  /** Any method but POST; default 405. */
  readonly method?: number;
}

/** Core's refusal statuses, which a vendor's `answers` may override one by one. */
export const WEBHOOK_REFUSALS = {
  forged: 401,
  stale: 403,
  replayed: 403,
  forbidden: 403,
  malformed: 400,
  oversized: 413,
  oversizedUnsigned: 401,
  method: 405,
} as const satisfies Omit<Required<WebhookAnswers>, "accepted" | "failed">;

/** The vendor's statuses, core's refusals filled in (a post without credentials over the limit as `forged`, or 413 when they are in the body). */
export function answersOf(spec: {
  readonly answers: WebhookAnswers;
  readonly credentialsInBody?: boolean;
}): Required<WebhookAnswers> {
  const forged = spec.answers.forged ?? WEBHOOK_REFUSALS.forged;
  const oversizedUnsigned = spec.credentialsInBody ? WEBHOOK_REFUSALS.oversized : forged;
  return { ...WEBHOOK_REFUSALS, oversizedUnsigned, ...spec.answers };
}

/** A post the webhook must refuse: the request (built anew each time), or it with the exact answer text. */
export type WebhookRefusal =
  | (() => Request)
  | { readonly post: () => Request /** The answer's exact text. */; readonly text: string };

/** How a vendor signs its time (Resend, SendGrid, Mailgun): the window, and a valid post signed at another time. */
export interface StaleCheck {
  /** How far a signed timestamp may be from now, past or future, with the default options; seconds. */
  readonly toleranceSeconds: number;
  /** A valid post signed `offsetSeconds` from the options' now (negative: in the past). */
  at(offsetSeconds: number): Request;
}

/** A vendor's single-use value (Mailgun's token): a post, then the same credentials again. */
export interface ReplayCheck {
  /** Two posts with the same single-use credentials; the second may carry another event. */
  twice(): readonly [first: Request, again: Request];
  /** The second answer's exact text. */
  readonly text?: string;
}

/** A missing or half-configured secret, refused when the webhook is created. */
export interface UnconfiguredCase<Options> {
  /** The options (and environment) the webhook is created with. */
  readonly options: Options;
  /** The `field` of the CONFIG error: the variable or option to set. */
  readonly field: string;
  /** Text the error's message must contain (the variables to set); default `field`. */
  readonly message?: string;
}

/** The round trip from `send()` to the event about that message: the vendor echoes what it was sent. */
export interface JoinCheck<Config, Payload> {
  /** The provider package's definition. */
  readonly definition: ProviderDefinition<Config>;
  /** A working config whose sends go to `sendUrl` (mocked with MSW). */
  readonly config: NoInfer<Config>;
  /** The vendor URL a send is POSTed to. */
  readonly sendUrl: string;
  /** The vendor's success answer to the send, carrying `messageId`. */
  success(): Response;
  /** The message id `success()` carries, as `send` must return it. */
  readonly messageId: string;
  /** Tags and metadata sent with the message: the event must carry them back. */
  readonly message: Required<Pick<MailMessage, "tags" | "metadata">>;
  /** The payload the vendor posts about the sent message, from what it was sent (`sent`) and the receipt. */
  echo(sent: Request, receipt: SendReceipt): NoInfer<Payload> | Promise<NoInfer<Payload>>;
}

/**
 * Everything the webhook checks need to know about one vendor: how to make its posts (valid, forged, stale,
 * replayed, malformed), the secrets no answer may echo, and the statuses it answers with.
 */
export interface WebhookConformance<Options, Payload, Config = unknown> {
  /** Provider id, as events carry it: "postmark". */
  readonly provider: string;
  /** The vendor's webhook factory, e.g. `postmarkWebhook`. */
  webhook(options: Options): WebhookDefinition;
  /** Options that verify: the secret in code, `env: {}`, a fixed clock where the vendor signs times. */
  readonly options: NoInfer<Options>;
  /** The vendor's statuses. */
  readonly answers: WebhookAnswers;
  /** Every form of a secret, and the signatures of the posts, that no answer may echo. */
  readonly secrets: readonly string[];
  /** A payload that gives at least one event (its type is that of `body`'s parameter). */
  readonly sample: NoInfer<Payload>;
  /** The bytes the vendor posts for a payload; signed inside (anew each call) where the vendor signs there. */
  body(payload: Payload): string | Uint8Array;
  /** Bytes posted as the vendor posts them: its credentials or its signature of exactly these bytes. */
  post(body: string | Uint8Array): Request;
  /** The payload posted with no credential or signature at all. */
  unsigned(payload: NoInfer<Payload>): Request;
  /** Posts a forger could make (another key, a tampered body, a missing header, …), each refused with `forged`. */
  readonly forged: Readonly<Record<string, WebhookRefusal>>;
  /**
   * Whether the vendor's credentials travel inside the body (Mailgun's `signature`, an SNS message's), so a post
   * without them is read up to the limit; otherwise the checks make sure such a post is refused before its body
   * is read, by the fetch handler and by `toNodeHandler`.
   */
  readonly credentialsInBody?: boolean;
  /** Headers that carry the signature: a valid post without any one is forged, answered `missing <name> header`. */
  readonly signatureHeaders?: readonly string[];
  /** The scheme of the `WWW-Authenticate` challenge a forged post gets ("Basic"); none when left out. */
  readonly challenge?: string;
  /** Authentic posts the settings refuse, each with `forbidden`. */
  readonly forbidden?: Readonly<Record<string, WebhookRefusal>>;
  /** The vendor's signed timestamp, when it has one. */
  readonly stale?: StaleCheck;
  /** The vendor's single-use value, when it has one. */
  readonly replayed?: ReplayCheck;
  /** Bodies (posted with `post`) that are not the vendor's, each refused with `malformed`. */
  readonly malformed: Readonly<Record<string, string | Uint8Array>>;
  /** The same options with the secret read from the environment instead. */
  readonly fromEnv: NoInfer<Options>;
  /** Options with no secret and `insecureNoVerification: true`. */
  readonly insecure: NoInfer<Options>;
  /** Settings refused at creation with a CONFIG error. */
  readonly unconfigured: Readonly<Record<string, UnconfiguredCase<NoInfer<Options>>>>;
  /** The join to `send()`, checked through the provider against MSW. */
  readonly join?: JoinCheck<Config, Payload>;
  /** The built `webhooks` entries, which must load no module of the vendor SDK. */
  readonly sdk?: SdkCheck;
}

/** A webhook's answer to one post, read in full, with the events it handed to `onEvents`. */
export interface WebhookAnswer {
  /** The status. */
  readonly status: number;
  /** The body text. */
  readonly text: string;
  /** The headers. */
  readonly headers: Headers;
  /** The events handed over for this post. */
  readonly events: readonly MailEvent[];
}

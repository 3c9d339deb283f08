import type { EnvCheck } from "../configuration/check-env.js";
import type { ConfigSchema } from "../configuration/config-schema.js";
import type { EnvValues, EnvVar } from "../configuration/env-values.js";
import type { MailError } from "../errors/mail-error.js";
import type { NormalizedMessage } from "../message/message.js";

/** What the core hands a provider when it creates a transport. */
export interface ProviderContext {
  /** Upper bound for one request, in milliseconds; also enforced by the core through the signal. */
  readonly timeoutMs: number;
  /** The mailer's clock, for turning a vendor's epoch-based reset header into a wait. */
  readonly now: () => number;
}

/** What the core hands a transport for each call. */
export interface RequestContext {
  /** Aborts on the caller's signal or the timeout; pass it to the vendor request. */
  readonly signal: AbortSignal;
  /** 1 for the first attempt, 2 for the first retry, … */
  readonly attempt: number;
  /**
   * `send` awaits it once per request, at the last moment before the request's first byte leaves: after the
   * SDK's own work and once a (pooled) connection is held. It runs the caller's `beforeRequest` (a queue marks
   * the send as possibly accepted there), so a request that fails before it was sent nothing; a rejection
   * means: do not send, and fails the attempt with its error. Calling it again is a no-op.
   */
  readonly requestStarting: () => Promise<void>;
}

/** What a vendor said when it accepted a message. */
export interface SendResult {
  /** The vendor's id for the message. */
  readonly messageId: string;
}

/** A provider's live connection to its vendor, made by `create` once per mailer. */
export interface MailTransport {
  /** Sends one message, awaiting `context.requestStarting()` just before the request leaves; throws a `MailError` on failure. */
  send(message: NormalizedMessage, context: RequestContext): Promise<SendResult>;
  /**
   * Sends several messages in one vendor request; one entry per message, in order: its `SendResult`, or
   * the `MailError` for it alone. Throws for a failure of the whole request. Each message keeps its own
   * `idempotencyKey` (one key for the whole batch would lose the others'). Optional.
   */
  sendBatch?(
    messages: readonly NormalizedMessage[],
    context: RequestContext,
  ): Promise<ReadonlyArray<SendResult | MailError>>;
  /** Most messages `sendBatch` takes in one request (the vendor's limit). Default 100. */
  readonly maxBatchSize?: number;
  /** Whether `sendBatch` can carry this message as `send` would (its idempotency key included); the others go through `send`. All when absent. */
  canBatch?(message: NormalizedMessage): boolean;
  /** Checks credentials and connectivity with the vendor's cheapest authenticated call. */
  verify(context: RequestContext): Promise<void>;
  /** Releases connections; optional. */
  close?(): Promise<void> | void;
}

/** Everything the core needs to know about a provider; cheap to import, no vendor SDK inside. */
export interface ProviderDefinition<Config = unknown> {
  /** The `MAIL_PROVIDER` value, e.g. `postmark` (lower case, digits and `_`). */
  readonly id: string;
  /** Human name, e.g. `Postmark`. */
  readonly label: string;
  /** The npm package that ships it, for install hints. */
  readonly packageName?: string;
  /** Variables it reads, in the order docs should list them. */
  readonly env: readonly EnvVar[];
  /** Variables that must all be set for blank `MAIL_PROVIDER` to pick it; defaults to the required ones. */
  readonly detectWith?: readonly string[];
  /** Checks combinations of its variables that `env`'s declarations cannot express; pure, loads nothing. */
  readonly checkEnv?: EnvCheck;
  /** Largest total attachment size the vendor accepts, in bytes. */
  readonly maxAttachmentBytes?: number;
  /**
   * Every config property and what it must hold; `createMailer` refuses unknown properties and bad values
   * with a `CONFIG` error naming the property. Without it the config is not checked.
   */
  readonly config?: ConfigSchema<Config>;
  /** Config properties that hold credentials, redacted from every error. */
  readonly secretKeys?: readonly (keyof Config & string)[];
  /**
   * Builds the config from env values, already checked and normalized against `env`'s declarations
   * (formats, `oneOf`, `with`); throws a `CONFIG` MailError for anything else that cannot work.
   */
  configFromEnv(values: EnvValues): Config;
  /** Loads the vendor SDK (dynamically) and returns a transport. */
  create(config: Config, context: ProviderContext): MailTransport | Promise<MailTransport>;
}

const ID = /^[a-z][a-z0-9_]*$/;

/** Declares a provider; checks the definition's shape so mistakes surface at import time. */
export function defineProvider<Config>(definition: ProviderDefinition<Config>): ProviderDefinition<Config> {
  if (!ID.test(definition.id)) throw new TypeError(`provider id "${definition.id}" must match ${ID}`);
  const names = new Set(definition.env.map((variable) => variable.name));
  for (const name of definition.detectWith ?? []) {
    if (!names.has(name)) throw new TypeError(`provider ${definition.id}: detectWith names unknown ${name}`);
  }
  for (const variable of definition.env) {
    for (const name of variable.with ?? []) {
      if (!names.has(name))
        throw new TypeError(`provider ${definition.id}: ${variable.name} is with unknown ${name}`);
    }
  }
  return Object.freeze({ ...definition });
}

/** A provider definition whatever its config type, as the registry stores it. */
// biome-ignore lint/suspicious/noExplicitAny: config types differ per provider; the registry is heterogeneous.
export type AnyProviderDefinition = ProviderDefinition<any>;

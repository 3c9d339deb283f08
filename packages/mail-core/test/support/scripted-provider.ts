// Scripted providers for the reliability tests: each request plays the next step of a script and is
// recorded, so a test can count requests and inspect the signal and attempt number each one received.
import {
  MailError,
  type MailErrorCode,
  type MailErrorOptions,
  type NormalizedMessage,
  type ProviderDefinition,
  type ProviderSetup,
} from "../../src/index.js";
import { defineProvider, type SendResult } from "../../src/provider.js";

/** One request as the transport saw it. */
export interface ScriptedRequest {
  readonly attempt: number;
  readonly signal: AbortSignal;
  readonly message: NormalizedMessage;
}

/**
 * What a request does: `"ok"` accepts (message id `<id>-<n>`), an error (or any thrown value wrapped in
 * `{ throws }`) rejects, a function decides.
 */
export type Step =
  | "ok"
  | Error
  | { readonly throws: unknown }
  | ((request: ScriptedRequest) => Promise<SendResult>);

/** Config of a scripted provider; `apiKey` is a declared secret key. */
export interface ScriptedConfig {
  readonly apiKey?: string;
  readonly region?: string;
}

export interface Scripted {
  readonly id: string;
  readonly definition: ProviderDefinition<ScriptedConfig>;
  /** Every send request, in order. */
  readonly requests: ScriptedRequest[];
  /** `timeoutMs` the core passed to `create`. */
  readonly createdWith: number[];
  setup(config?: ScriptedConfig, secrets?: readonly string[]): ProviderSetup<ScriptedConfig>;
}

export interface ScriptedOptions {
  /** Step for verify requests (default "ok"). */
  readonly verify?: Step;
  readonly maxAttachmentBytes?: number;
  /** Throw this from `create`. */
  readonly createThrows?: unknown;
}

/** A provider whose n-th request plays `steps[n]` (the last step repeats; no steps means always accept). */
export function scripted(id: string, steps: readonly Step[] = [], options: ScriptedOptions = {}): Scripted {
  const requests: ScriptedRequest[] = [];
  const createdWith: number[] = [];
  const play = async (step: Step, request: ScriptedRequest, n: number): Promise<SendResult> => {
    if (step === "ok") return { messageId: `${id}-${n}` };
    if (typeof step === "function") return step(request);
    if (step instanceof Error) throw step;
    throw step.throws;
  };
  const definition = defineProvider<ScriptedConfig>({
    id,
    label: `Scripted ${id}`,
    env: [],
    secretKeys: ["apiKey"],
    ...(options.maxAttachmentBytes === undefined ? {} : { maxAttachmentBytes: options.maxAttachmentBytes }),
    configFromEnv: () => ({}),
    create(_config, context) {
      createdWith.push(context.timeoutMs);
      if (options.createThrows !== undefined) throw options.createThrows;
      return {
        async send(message, context) {
          await context.requestStarting();
          const request = { attempt: context.attempt, signal: context.signal, message };
          requests.push(request);
          const n = requests.length;
          const step = steps.length === 0 ? "ok" : steps[Math.min(n, steps.length) - 1]!;
          return play(step, request, n);
        },
        async verify(context) {
          await play(
            options.verify ?? "ok",
            { attempt: context.attempt, signal: context.signal } as never,
            0,
          );
        },
      };
    },
  });
  return {
    id,
    definition,
    requests,
    createdWith,
    setup: (config = {}, secrets) => ({ definition, config, ...(secrets ? { secrets } : {}) }),
  };
}

/** A MailError as a provider would raise it (without provider id; the core fills it in). */
export function fail(code: MailErrorCode, options: MailErrorOptions = {}): MailError {
  return new MailError(code, `scripted ${code}`, options);
}

/** A request that never settles and ignores its signal (a misbehaving SDK). */
export const hang: Step = () => new Promise<never>(() => {});

/** A request that settles only when its signal aborts, rejecting with the signal's reason. */
export const untilAborted: Step = ({ signal }) =>
  new Promise<never>((_, reject) => {
    signal.addEventListener("abort", () => reject(signal.reason), { once: true });
  });

/** Lets pending promise callbacks and I/O callbacks run; no timer, no real waiting. */
export const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Settles `promise` and returns its rejection (fails the test if it resolves). */
export async function rejectionOf(promise: Promise<unknown>): Promise<MailError> {
  try {
    await promise;
  } catch (error) {
    return error as MailError;
  }
  throw new Error("expected the promise to reject");
}

export const message = { to: "ann@example.com", subject: "Hello", text: "Hi Ann" } as const;
export const keyed = { ...message, idempotencyKey: "order-42-receipt" } as const;
export const FROM = "App <app@example.com>";

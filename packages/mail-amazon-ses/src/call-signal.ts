/**
 * Carries each call's AbortSignal and `requestStarting` to the HTTP handler without the SDK's per-call
 * `abortSignal` option, which makes the SDK resolve its whole middleware stack again on every send (see
 * `command-runner.ts`). The call rides on the command's input object, which the SDK hands unchanged down
 * its middleware chain; a middleware next to the HTTP handler moves it onto the signed request, where the
 * handler (`capped-handler.ts`) finds it.
 */
import type { RequestContext } from "@posse/mail-core/provider";

/** What a request needs of its call. */
export type Call = Pick<RequestContext, "signal" | "requestStarting">;

const inputCalls = new WeakMap<object, Call>();
const requestCalls = new WeakMap<object, Call>();

/** Records the call whose command takes `input`; returns `input`. */
export function withCall<Input extends object>(input: Input, call: Call): Input {
  inputCalls.set(input, { signal: call.signal, requestStarting: call.requestStarting });
  return input;
}

/**
 * Hands the call on from the command input to the request about to be sent. Throws when the input
 * carries none: a request the handler could not abort, or that would leave unannounced, must not go out.
 */
export function passCall(input: unknown, request: unknown): void {
  const call = typeof input === "object" && input !== null ? inputCalls.get(input) : undefined;
  if (call === undefined || typeof request !== "object" || request === null) {
    throw new Error("amazon_ses: a request reached the HTTP handler without its call");
  }
  requestCalls.set(request, call);
}

/** The call of a request that `passCall` handed on. */
export function callOf(request: object): Call {
  const call = requestCalls.get(request);
  if (call === undefined) throw new Error("amazon_ses: a request reached the HTTP handler without its call");
  return call;
}

/**
 * Carries each call's AbortSignal to the SDK's HTTP handler without the SDK's per-call `abortSignal`
 * option, which makes the SDK resolve its whole middleware stack again on every send (see
 * `command-runner.ts`). The signal rides on the command's input object, which the SDK hands unchanged
 * down its middleware chain; a middleware next to the HTTP handler moves it onto the signed request,
 * and the wrapped handler passes it to the SDK's own handler, which destroys the request on abort.
 */

/** The SDK's HTTP handler, as far as this module uses it. */
export interface SdkRequestHandler {
  handle(request: object, options?: Record<string, unknown>): Promise<unknown>;
  destroy?(): void;
  updateHttpClientConfig?(key: never, value: never): void;
  httpHandlerConfigs?(): unknown;
}

const inputSignals = new WeakMap<object, AbortSignal>();
const requestSignals = new WeakMap<object, AbortSignal>();

/** Records the signal of the call whose command takes `input`; returns `input`. */
export function withCallSignal<Input extends object>(input: Input, signal: AbortSignal): Input {
  inputSignals.set(input, signal);
  return input;
}

/**
 * Hands the call's signal on from the command input to the request about to be sent. Throws when the
 * input carries none: a request the handler could not abort must not go out unnoticed.
 */
export function passCallSignal(input: unknown, request: unknown): void {
  const signal = typeof input === "object" && input !== null ? inputSignals.get(input) : undefined;
  if (signal === undefined || typeof request !== "object" || request === null) {
    throw new Error("amazon_ses: a request reached the HTTP handler without its call's abort signal");
  }
  requestSignals.set(request, signal);
}

/** The SDK's handler, given each request's own call signal as its `abortSignal`. */
export function signalRequestHandler(inner: SdkRequestHandler): SdkRequestHandler {
  return {
    handle: (request, options) =>
      inner.handle(request, { ...options, abortSignal: requestSignals.get(request) }),
    destroy: () => inner.destroy?.(),
    updateHttpClientConfig: (key, value) => inner.updateHttpClientConfig?.(key, value),
    httpHandlerConfigs: () => inner.httpHandlerConfigs?.() ?? {},
  };
}

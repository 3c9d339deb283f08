import type { RequestStarting } from "./request-gate.js";

/** The part of an undici dispatcher that Node's `fetch` calls (its `dispatcher` option). */
export interface FetchDispatcher {
  dispatch(options: object, handler: object): boolean;
}

type Handler = {
  onError?(error: unknown): void;
  onResponseError?(controller: object, error: unknown): void;
};

// Fails a request that was never dispatched, through whichever undici handler API the handler speaks.
function failUndispatched(handler: Handler, error: unknown): void {
  if (typeof handler.onError === "function") handler.onError(error);
  else handler.onResponseError?.({ abort() {}, aborted: true, paused: false }, error);
}

/**
 * A `dispatcher` for Node's `fetch`, for SDKs that call fetch with our request options: it hands a
 * request to `inner` only once `requestStarting` resolved, that is after the SDK did all its own work
 * (credentials, signing, serialisation) and fetch is about to connect and write. A rejection, or
 * `signal` aborted meanwhile, fails the request undispatched: nothing is sent.
 */
export function announcingDispatcher(
  inner: FetchDispatcher,
  requestStarting: RequestStarting,
  signal?: AbortSignal,
): FetchDispatcher {
  return {
    dispatch(options, handler) {
      requestStarting().then(
        () => {
          if (signal?.aborted) failUndispatched(handler, signal.reason);
          else {
            try {
              inner.dispatch(options, handler);
            } catch (error) {
              failUndispatched(handler, error);
            }
          }
        },
        (error: unknown) => failUndispatched(handler, error),
      );
      return true;
    },
  };
}

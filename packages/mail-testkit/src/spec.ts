import type { MailAddress, MailErrorCode, ProviderDefinition } from "@posse/mail-core";
import type { SetupServer } from "msw/node";

/** One request the mocked vendor received, as the suite keeps it: the body as raw text. */
export interface CapturedRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: Headers;
  /** The body exactly as it travelled (JSON, a multipart form, …), decoded as UTF-8. */
  readonly text: string;
}

/** The addresses a captured send carries, read back the way the vendor (or a mail client) reads them. */
export interface CarriedAddresses {
  readonly from: MailAddress;
  readonly to: readonly MailAddress[];
}

/** The lazily loaded vendor SDK of a provider package, for the "loaded only when a mailer is created" check. */
export interface SdkCheck {
  /** Absolute paths of the built entries to import in a fresh process (`dist/index.js`, `dist/index.cjs`). */
  readonly entries: readonly string[];
  /** A path fragment every module of the SDK has, e.g. `/node_modules/postmark/`. */
  readonly module: string;
}

/** Everything the conformance suite needs to know about one provider and its (mocked) vendor. */
export interface ProviderConformance<Config> {
  /** The provider under test. */
  readonly definition: ProviderDefinition<Config>;
  /** A working config whose requests go to `sendUrl` (the vendor's real URL, mocked by `server`). */
  readonly config: Config;
  /** The same config pointed at another origin (`http://127.0.0.1:<port>`), for real-socket failures. */
  withEndpoint(origin: string): Config;
  /** Variables that select nothing but configure this provider (secrets seeded), as an operator sets them. */
  readonly env: Readonly<Record<string, string>>;
  /** Every form of a credential that must never surface: raw values and encodings such as Basic's base64. */
  readonly secrets: readonly string[];
  /** The test file's MSW server, listening with `onUnhandledRequest: "error"`; the suite adds handlers (and closes and re-listens around its real-socket checks). */
  readonly server: SetupServer;
  /** The URL a send is POSTed to, e.g. `https://api.postmarkapp.com/email`. */
  readonly sendUrl: string;
  /** The vendor's success answer to a send, carrying `messageId`. */
  success(): Response;
  /** The message id `success()` carries, as `send` must return it. */
  readonly messageId: string;
  /** An error answer in the vendor's own shape with `text` where the vendor puts its message. */
  failure(status: number, text: string, headers: Record<string, string>): Response;
  /** Reads the sender and `to` recipients back out of a captured send. */
  addresses(request: CapturedRequest): CarriedAddresses | Promise<CarriedAddresses>;
  /**
   * How a marker value travels when the vendor needs it transformed (Brevo sends an idempotency key as a
   * version 5 UUID): field name to the form to look for. Every other field must travel as written.
   */
  readonly carriedAs?: Readonly<Record<string, (marker: string) => string>>;
  /** The code a status must give when it differs from the common rule (e.g. a vendor's 403 meaning REJECTED). */
  readonly errorCodes?: Readonly<Partial<Record<number, MailErrorCode>>>;
  /**
   * The transport hands the request's signal to the HTTP client (as `fetch` takes it), so a timeout or the
   * caller's abort tears the request down; checked through MSW, which sees the abort of `fetch` requests.
   */
  readonly abortsRequest?: boolean;
  /**
   * The transport can await `requestStarting` only when its HTTP client takes the request, before it
   * connects (Node's fetch: a dispatcher gets no await point between the connection and the first byte),
   * so a request refused at connect has run it. Without it, `requestStarting` must wait for the connection.
   */
  readonly startsBeforeConnecting?: boolean;
  /** The vendor SDK, when the provider loads one; the suite proves it is loaded only by `create`. */
  readonly sdk?: SdkCheck;
}

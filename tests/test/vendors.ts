// The seven HTTP vendors as the integration tests drive them: the env that selects each, the request that
// sends a message, and an error answer in the vendor's own shape carrying any text we choose.
import { HttpResponse, http, type RequestHandler } from "msw";

/** One HTTP vendor. */
export interface Vendor {
  /** Provider id. */
  readonly id: string;
  /** Variables that select and configure it, secrets seeded with unique markers. */
  readonly env: Readonly<Record<string, string>>;
  /** Secret forms that must never surface: the markers, and Basic-auth encodings of them. */
  readonly secrets: readonly string[];
  /** The secret variables' values alone (the markers), for echoes and partial-echo checks. */
  readonly keys: readonly string[];
  /** Origin of its API. */
  readonly origin: string;
  /** An error answer in the vendor's shape, with `text` where the vendor puts its message. */
  errorAnswer(status: number, text: string): HttpResponse<never>;
}

const basic = (user: string, password: string) => Buffer.from(`${user}:${password}`).toString("base64");
const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  HttpResponse.json(body as never, { status, headers }) as HttpResponse<never>;
const SES_ERROR: Record<number, string> = {
  400: "MessageRejected",
  401: "UnrecognizedClientException",
  403: "UnrecognizedClientException",
  429: "TooManyRequestsException",
};

/** Every HTTP vendor, with its secrets seeded with markers unique to it. */
export const VENDORS: readonly Vendor[] = [
  {
    id: "amazon_ses",
    env: {
      AWS_SES_REGION: "us-east-1",
      AWS_SES_ACCESS_KEY_ID: "AKIAMARKERSESKEYID01",
      AWS_SES_SECRET_ACCESS_KEY: "marker-ses-secret-access-key-02",
      AWS_SES_SESSION_TOKEN: "marker-ses-session-token-03",
    },
    secrets: ["AKIAMARKERSESKEYID01", "marker-ses-secret-access-key-02", "marker-ses-session-token-03"],
    keys: ["AKIAMARKERSESKEYID01", "marker-ses-secret-access-key-02", "marker-ses-session-token-03"],
    origin: "https://email.us-east-1.amazonaws.com",
    errorAnswer: (status, text) =>
      json(
        status,
        { message: text },
        { "x-amzn-ErrorType": SES_ERROR[status] ?? "InternalServiceErrorException" },
      ),
  },
  {
    id: "resend",
    env: { RESEND_API_KEY: "re_marker_resend_key_04" },
    secrets: ["re_marker_resend_key_04"],
    keys: ["re_marker_resend_key_04"],
    origin: "https://api.resend.com",
    errorAnswer: (status, text) =>
      json(status, { statusCode: status, name: "validation_error", message: text }),
  },
  {
    id: "mailgun",
    env: { MAILGUN_API_KEY: "marker-mailgun-key-05", MAILGUN_DOMAIN: "mg.example.com" },
    secrets: ["marker-mailgun-key-05", basic("api", "marker-mailgun-key-05")],
    keys: ["marker-mailgun-key-05"],
    origin: "https://api.mailgun.net",
    errorAnswer: (status, text) => json(status, { message: text }),
  },
  {
    id: "postmark",
    env: { POSTMARK_API_TOKEN: "marker-postmark-token-06" },
    secrets: ["marker-postmark-token-06"],
    keys: ["marker-postmark-token-06"],
    origin: "https://api.postmarkapp.com",
    errorAnswer: (status, text) => json(status, { ErrorCode: status === 401 ? 10 : 300, Message: text }),
  },
  {
    id: "sendgrid",
    env: { SENDGRID_API_KEY: "SG.marker-sendgrid-key-07" },
    secrets: ["SG.marker-sendgrid-key-07"],
    keys: ["SG.marker-sendgrid-key-07"],
    origin: "https://api.sendgrid.com",
    errorAnswer: (status, text) => json(status, { errors: [{ message: text, field: null, help: null }] }),
  },
  {
    id: "brevo",
    env: { BREVO_API_KEY: "xkeysib-marker-brevo-key-08" },
    secrets: ["xkeysib-marker-brevo-key-08"],
    keys: ["xkeysib-marker-brevo-key-08"],
    origin: "https://api.brevo.com",
    errorAnswer: (status, text) => json(status, { code: "invalid_parameter", message: text }),
  },
  {
    id: "mailjet",
    env: { MAILJET_API_KEY: "marker-mailjet-key-09", MAILJET_API_SECRET: "marker-mailjet-secret-10" },
    secrets: [
      "marker-mailjet-key-09",
      "marker-mailjet-secret-10",
      basic("marker-mailjet-key-09", "marker-mailjet-secret-10"),
    ],
    keys: ["marker-mailjet-key-09", "marker-mailjet-secret-10"],
    origin: "https://api.mailjet.com",
    errorAnswer: (status, text) =>
      json(status, { ErrorIdentifier: "e-1", ErrorCode: "mj-0002", StatusCode: status, ErrorMessage: text }),
  },
];

/** Answers every request to a vendor's origin with `answer`, counting the requests. */
export function answerAll(vendor: Vendor, answer: (request: Request) => Response | Promise<Response>) {
  const seen: Request[] = [];
  const handler: RequestHandler = http.all(`${vendor.origin}/*`, ({ request }) => {
    seen.push(request);
    return answer(request);
  });
  return { handler, seen };
}

/** The environment that selects a vendor explicitly. */
export function envFor(vendor: Vendor, extra: Record<string, string> = {}): Record<string, string> {
  return { MAIL_PROVIDER: vendor.id, MAIL_FROM_ADDRESS: "App <app@example.com>", ...vendor.env, ...extra };
}

/**
 * What is left of a secret cut short that must never surface: every prefix and suffix of 8 or more of its
 * characters, raw and in base64 at each byte offset (the characters made from the secret's bits alone, as
 * inside a Basic credential). Shorter remnants are not secrets any more; ordinary text may hold them.
 */
export function partialEchoes(keys: readonly string[], min = 8): string[] {
  const forms = new Set<string>();
  for (const key of keys) {
    forms.add(key);
    const bytes = Buffer.from(key);
    for (const offset of [0, 1, 2]) {
      const encoded = Buffer.concat([Buffer.alloc(offset), bytes]).toString("base64");
      forms.add(encoded.slice(Math.ceil((offset * 8) / 6), Math.floor(((offset + bytes.length) * 8) / 6)));
    }
  }
  const pieces = new Set<string>();
  for (const form of forms) {
    for (let length = min; length <= form.length; length++) {
      pieces.add(form.slice(0, length));
      pieces.add(form.slice(-length));
    }
  }
  return [...pieces];
}

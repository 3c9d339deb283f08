import { isJsonObject, parseJsonBody, WebhookError, type WebhookRequest } from "@posse/mail-core/provider";

/** The SNS envelope of an HTTP(S) delivery (Notification, SubscriptionConfirmation or UnsubscribeConfirmation). */
export interface SnsMessage {
  readonly Type: string;
  readonly MessageId: string;
  readonly TopicArn: string;
  readonly Message: string;
  readonly Timestamp: string;
  readonly Subject?: string;
  readonly SubscribeURL?: string;
  readonly Token?: string;
  readonly SignatureVersion?: string;
  readonly Signature?: string;
  readonly SigningCertURL?: string;
}

const REQUIRED = ["Type", "MessageId", "TopicArn", "Message", "Timestamp"] as const;
const OPTIONAL = [
  "Subject",
  "SubscribeURL",
  "Token",
  "SignatureVersion",
  "Signature",
  "SigningCertURL",
] as const;

/**
 * The SNS envelope of a request (SNS posts it as `text/plain`); 400 when the body is not one, 403 for raw
 * message delivery, which strips the envelope and with it the signature. Lambda-style names
 * (`SigningCertUrl`, `SubscribeUrl`) are read too.
 */
export function snsMessage(request: WebhookRequest): SnsMessage {
  if (request.headers.get("x-amz-sns-rawdelivery") === "true") {
    throw new WebhookError(
      403,
      "SNS raw message delivery carries no signature: switch it off for this subscription",
    );
  }
  const body = parseJsonBody(request.body);
  if (!isJsonObject(body)) throw new WebhookError(400, "the body is not an SNS message");
  const message: Record<string, string> = {};
  for (const key of REQUIRED) {
    if (typeof body[key] !== "string") throw new WebhookError(400, `the SNS message has no ${key}`);
    message[key] = body[key] as string;
  }
  for (const key of OPTIONAL) {
    const value = body[key] ?? body[key.replace(/URL$/, "Url")];
    if (typeof value === "string") message[key] = value;
  }
  return message as unknown as SnsMessage;
}

const SNS_HOST = /^sns\.[a-z0-9-]{3,}\.amazonaws\.com(\.cn)?$/;

/**
 * Whether `text` is an https URL on an SNS host (`sns.<region>.amazonaws.com`, or `.com.cn`), on the default
 * port and without credentials: the only place a signing certificate is fetched from or a subscription is
 * confirmed at, so a forged message cannot make the handler fetch anything else.
 */
export function isSnsUrl(text: string | undefined): text is string {
  if (text === undefined) return false;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return false;
  }
  return (
    url.protocol === "https:" &&
    SNS_HOST.test(url.hostname) &&
    url.port === "" &&
    url.username === "" &&
    url.password === ""
  );
}

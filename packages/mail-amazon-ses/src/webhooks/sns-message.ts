import { isJsonObject, parseJsonBody, WebhookError, type WebhookRequest } from "@posse/mail-core/webhooks";

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

// SNS's own hosts: sns.<region>.amazonaws.com, and sns.cn-<…>.amazonaws.com.cn in the China regions, a region
// being us-east-1, eu-central-1, us-gov-west-1, cn-north-1, …. A looser pattern (sns.<anything>.amazonaws.com)
// also takes hosts that are not SNS's: sns.s3-us-west-2.amazonaws.com is the S3 bucket "sns", whose owner serves
// whatever certificate they like.
const SNS_HOST =
  /^sns\.(?:(?!cn-)[a-z]{2}(?:-gov)?-[a-z]+-[0-9]{1,2}\.amazonaws\.com|cn-[a-z]+-[0-9]{1,2}\.amazonaws\.com\.cn)$/;
// Where SNS keeps its signing certificates: /SimpleNotificationService-<hex>.pem.
const CERTIFICATE_PATH = /^\/SimpleNotificationService-[A-Za-z0-9]+\.pem$/;

/** `text` as a URL when it is https on an SNS host, on the default port and without credentials. */
function snsUrl(text: string | undefined): URL | undefined {
  let url: URL;
  try {
    url = new URL(text ?? "");
  } catch {
    return undefined;
  }
  const onSns =
    url.protocol === "https:" &&
    SNS_HOST.test(url.hostname) &&
    url.port === "" &&
    url.username === "" &&
    url.password === "";
  return onSns ? url : undefined;
}

/**
 * Whether `text` is an https URL on an SNS host (`sns.<region>.amazonaws.com`, or `.com.cn` in China), on the
 * default port and without credentials: the only place a subscription is confirmed at, so a forged message
 * cannot make the handler call anything else.
 */
export function isSnsUrl(text: string | undefined): text is string {
  return snsUrl(text) !== undefined;
}

/**
 * Whether `text` is where SNS keeps a signing certificate: an SNS URL ({@link isSnsUrl}) whose path is
 * `/SimpleNotificationService-<id>.pem`, without a query or fragment.
 */
export function isSnsCertificateUrl(text: string | undefined): text is string {
  const url = snsUrl(text);
  return url !== undefined && CERTIFICATE_PATH.test(url.pathname) && url.search === "" && url.hash === "";
}

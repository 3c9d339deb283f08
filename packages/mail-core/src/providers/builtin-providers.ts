import type { EnvCheck } from "../configuration/check-env.js";
import type { EnvVar } from "../configuration/env-values.js";
import { sendsPasswordInClear } from "../http/plain-http.js";

/** What the core knows of a first-party provider without loading its package. */
export interface BuiltinProvider {
  /** The `MAIL_PROVIDER` value. */
  readonly id: string;
  /** Human name. */
  readonly label: string;
  /** The npm package that ships it. */
  readonly packageName: string;
  /** Variables it reads. */
  readonly env: readonly EnvVar[];
  /** Variables that must all be set for detection, when not simply the required ones. */
  readonly detectWith?: readonly string[];
  /** Checks combinations of its variables that their declarations cannot express. */
  readonly checkEnv?: EnvCheck;
}

// The SMTP provider refuses to send a password in clear text to another machine (see its README).
const smtpPlaintextAuth: EnvCheck = (values) =>
  sendsPasswordInClear({
    host: values.SMTP_HOST ?? "",
    authenticates: values.SMTP_USERNAME !== undefined,
    encrypted: values.SMTP_ENABLE_STARTTLS !== "false" || values.SMTP_PORT === "465",
    allowed: values.SMTP_ALLOW_PLAINTEXT_AUTH === "true",
  })
    ? [
        {
          variable: "SMTP_ENABLE_STARTTLS",
          problem:
            "SMTP_ENABLE_STARTTLS=false with SMTP_USERNAME would send the password in clear text to another machine: enable STARTTLS, use SMTP_PORT=465, or set SMTP_ALLOW_PLAINTEXT_AUTH=true on a trusted network",
        },
      ]
    : [];

const secret = (name: string, description: string, required = true, more: Partial<EnvVar> = {}): EnvVar => ({
  name,
  description,
  required,
  secret: true,
  ...more,
});

/** The eight first-party providers, in the order a blank `MAIL_PROVIDER` tries them. */
export const BUILTIN_PROVIDERS: readonly BuiltinProvider[] = [
  {
    id: "amazon_ses",
    label: "Amazon SES",
    packageName: "@posse/mail-amazon-ses",
    env: [
      {
        name: "AWS_SES_REGION",
        description: "AWS region of your SES account, e.g. us-east-1",
        required: true,
      },
      secret(
        "AWS_SES_ACCESS_KEY_ID",
        "IAM access key id; blank uses the AWS default credential chain",
        false,
        { with: ["AWS_SES_SECRET_ACCESS_KEY"] },
      ),
      secret("AWS_SES_SECRET_ACCESS_KEY", "IAM secret access key (with AWS_SES_ACCESS_KEY_ID)", false, {
        with: ["AWS_SES_ACCESS_KEY_ID"],
      }),
      secret("AWS_SES_SESSION_TOKEN", "session token for temporary credentials", false, {
        with: ["AWS_SES_ACCESS_KEY_ID", "AWS_SES_SECRET_ACCESS_KEY"],
      }),
    ],
    detectWith: ["AWS_SES_REGION", "AWS_SES_ACCESS_KEY_ID", "AWS_SES_SECRET_ACCESS_KEY"],
  },
  {
    id: "resend",
    label: "Resend",
    packageName: "@posse/mail-resend",
    env: [secret("RESEND_API_KEY", "API key (re_…)")],
  },
  {
    id: "mailgun",
    label: "Mailgun",
    packageName: "@posse/mail-mailgun",
    env: [
      secret("MAILGUN_API_KEY", "private API key"),
      {
        name: "MAILGUN_DOMAIN",
        description: "sending domain, e.g. mg.example.com",
        required: true,
        format: "hostname",
      },
      {
        name: "MAILGUN_REGION",
        description: "us or eu (the EU API, api.eu.mailgun.net)",
        default: "us",
        oneOf: ["us", "eu"],
      },
    ],
  },
  {
    id: "postmark",
    label: "Postmark",
    packageName: "@posse/mail-postmark",
    env: [secret("POSTMARK_API_TOKEN", "Server API token")],
  },
  {
    id: "sendgrid",
    label: "SendGrid",
    packageName: "@posse/mail-sendgrid",
    env: [secret("SENDGRID_API_KEY", "API key (SG.…) with Mail Send permission")],
  },
  {
    id: "brevo",
    label: "Brevo",
    packageName: "@posse/mail-brevo",
    env: [secret("BREVO_API_KEY", "API v3 key (xkeysib-…)")],
  },
  {
    id: "mailjet",
    label: "Mailjet",
    packageName: "@posse/mail-mailjet",
    env: [
      secret("MAILJET_API_KEY", "API key (public)"),
      secret("MAILJET_API_SECRET", "API secret key (private)"),
    ],
  },
  {
    id: "smtp",
    label: "SMTP",
    packageName: "@posse/mail-smtp",
    env: [
      { name: "SMTP_HOST", description: "SMTP server host name", required: true },
      {
        name: "SMTP_USERNAME",
        description: "user name for AUTH (with SMTP_PASSWORD)",
        with: ["SMTP_PASSWORD"],
      },
      {
        name: "SMTP_PASSWORD",
        description: "password for AUTH (with SMTP_USERNAME)",
        secret: true,
        with: ["SMTP_USERNAME"],
      },
      { name: "SMTP_PORT", description: "port; 465 means implicit TLS", default: "587", format: "port" },
      {
        name: "SMTP_ENABLE_STARTTLS",
        description: "require STARTTLS before AUTH on ports other than 465",
        default: "true",
        format: "boolean",
      },
      {
        name: "SMTP_MAX_CONNECTIONS",
        description: "connections open at once (1-999); further sends wait for a free one",
        default: "5",
        format: "count",
      },
      {
        name: "SMTP_ALLOW_PLAINTEXT_AUTH",
        description: "send AUTH without TLS to a host other than this machine (only on a trusted network)",
        default: "false",
        format: "boolean",
      },
    ],
    detectWith: ["SMTP_HOST", "SMTP_USERNAME", "SMTP_PASSWORD"],
    checkEnv: smtpPlaintextAuth,
  },
];

/** The catalog entry of a first-party provider, for its package's `defineProvider`. */
export function builtinProvider(id: string): BuiltinProvider {
  const entry = BUILTIN_PROVIDERS.find((provider) => provider.id === id);
  if (!entry) throw new TypeError(`"${id}" is not a first-party provider`);
  return entry;
}

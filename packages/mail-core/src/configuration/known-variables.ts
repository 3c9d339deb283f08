import type { EnvVar } from "./env-values.js";
import { registeredVariables } from "./variable-registry.js";

// Every variable the core and the first-party providers read that no provider's `env` declares, grouped by
// whose they are. Other packages (the queue) register theirs (registerKnownVariables). A test scans each
// package's sources for the names they read and fails on one missing here or in the package's registration.
const READ_ELSEWHERE: readonly (readonly string[])[] = [
  [
    // The core's own.
    "MAIL_PROVIDER",
    "MAIL_FROM_ADDRESS",
    "MAIL_RETRY_ATTEMPTS",
    // The Amazon SES webhook.
    "MAIL_SES_SNS_TOPIC_ARNS",
  ],
  // The other webhooks, and what the Resend SDK reads itself.
  ["RESEND_WEBHOOK_SECRET", "RESEND_BASE_URL", "RESEND_DEBUG"],
  ["MAILGUN_WEBHOOK_SIGNING_KEY"],
  ["POSTMARK_WEBHOOK_USERNAME", "POSTMARK_WEBHOOK_PASSWORD", "POSTMARK_WEBHOOK_TOKEN"],
  ["SENDGRID_WEBHOOK_PUBLIC_KEY"],
  ["BREVO_WEBHOOK_USERNAME", "BREVO_WEBHOOK_PASSWORD", "BREVO_WEBHOOK_TOKEN"],
  ["MAILJET_WEBHOOK_USERNAME", "MAILJET_WEBHOOK_PASSWORD"],
];

/**
 * The variables posse-mail reads, in groups that share a prefix: the core's, each provider's, and those of
 * the packages that registered theirs.
 */
export function variableGroups(providers: readonly { readonly env: readonly EnvVar[] }[]): string[][] {
  const groups = providers.map((provider) => provider.env.map((variable) => variable.name));
  for (const names of [...READ_ELSEWHERE, ...registeredVariables()]) {
    const owner = groups.find((group) =>
      group.some((name) => firstSegment(name) === firstSegment(names[0]!)),
    );
    if (owner) owner.push(...names);
    else groups.push([...names]);
  }
  return groups.filter((group) => group.length > 0);
}

const firstSegment = (name: string) => name.slice(0, name.indexOf("_") + 1);

/**
 * The prefixes of a group's names: the longest one ending in `_` that they all share (`AWS_SES_`), else
 * each name's first word (`RESEND_` for a provider reading only `RESEND_API_KEY`).
 */
export function groupPrefixes(names: readonly string[]): string[] {
  if (names.length > 1) {
    let common = names[0]!;
    for (const name of names) while (!name.startsWith(common)) common = common.slice(0, -1);
    common = common.slice(0, common.lastIndexOf("_") + 1);
    if (common !== "") return [common];
  }
  return [...new Set(names.map(firstSegment).filter(Boolean))];
}

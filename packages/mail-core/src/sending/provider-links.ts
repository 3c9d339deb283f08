import { validateConfig } from "../configuration/config-schema.js";
import { isMailError, MailError } from "../errors/mail-error.js";
import { secretPatterns } from "../errors/redact.js";
import type { ProviderContext } from "../providers/define-provider.js";
import type { ProviderSetup } from "./mailer.js";
import type { MailerSettings } from "./mailer-settings.js";
import { type ProviderLink, runAttempt, toMailError } from "./send-attempt.js";

/** Checks a setup's config, then creates its transport; any failure is a safe `MailError`. */
async function createLink(setup: ProviderSetup<unknown>, context: ProviderContext): Promise<ProviderLink> {
  const { definition, config } = setup;
  validateConfig(definition, config);
  const configSecrets = (definition.secretKeys ?? []).map((key) => (config as Record<string, unknown>)[key]);
  const patterns = secretPatterns([
    ...(setup.secrets ?? []),
    ...configSecrets.filter((value): value is string => typeof value === "string"),
  ]);
  const link = {
    id: definition.id,
    secretPatterns: patterns,
    maxAttachmentBytes: definition.maxAttachmentBytes,
  };
  try {
    return { ...link, transport: await definition.create(config, context) };
  } catch (error) {
    const failure = toMailError(error, { ...link, transport: undefined as never });
    throw isMailError(error)
      ? failure
      : new MailError("CONFIG", failure.message, { provider: link.id, cause: failure });
  }
}

/**
 * Creates every provider's transport, all at once. When one fails, what the others already opened (an
 * SMTP pool) is closed before the first failure is thrown.
 */
export async function openLinks(
  setups: readonly ProviderSetup[],
  context: ProviderContext,
): Promise<readonly ProviderLink[]> {
  const created = await Promise.allSettled(setups.map((setup) => createLink(setup, context)));
  const failed = created.find((result) => result.status === "rejected");
  if (failed) {
    await Promise.allSettled(
      created.map((result) => (result.status === "fulfilled" ? result.value.transport.close?.() : undefined)),
    );
    throw failed.reason;
  }
  return created.map((result) => (result as PromiseFulfilledResult<ProviderLink>).value);
}

/** Checks each provider's credentials and connection in order; rejects with the first failure. */
export async function verifyLinks(
  links: readonly ProviderLink[],
  settings: MailerSettings,
  signal: AbortSignal | undefined,
): Promise<void> {
  for (const link of links) {
    await runAttempt(link, (context) => link.transport.verify(context), {
      attempt: 1,
      timeoutMs: settings.timeoutMs,
      signal,
      clock: settings.clock,
    });
  }
}

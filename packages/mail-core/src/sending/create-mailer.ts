import { validateMailerOptions } from "../configuration/config-schema.js";
import { MailError } from "../errors/mail-error.js";
import { type MailAddress, parseAddress } from "../message/address.js";
import { createCooldowns } from "./cooldowns.js";
import type { SendPath } from "./failover.js";
import { trackInFlight } from "./in-flight.js";
import type { CreateMailerOptions, Mailer, ProviderSetup } from "./mailer.js";
import { mailerSettings } from "./mailer-settings.js";
import { openLinks, verifyLinks } from "./provider-links.js";
import { sendMany } from "./send-many.js";
import { sendMessage } from "./send-message.js";
import { suppressionCheck } from "./suppression-check.js";

function defaultSender(from: CreateMailerOptions["from"]): MailAddress {
  try {
    return parseAddress(from, "from");
  } catch (error) {
    throw new MailError("CONFIG", "the default sender is not a valid address", { cause: error });
  }
}

/** Builds a mailer from provider definitions and configs you already have (no environment). */
export async function createMailer<Config, const Configs extends readonly unknown[]>(
  options: CreateMailerOptions<Config, Configs>,
): Promise<Mailer> {
  validateMailerOptions(options);
  const settings = mailerSettings(options);
  const from = defaultSender(options.from);
  const setups = (
    Array.isArray(options.providers) ? options.providers : [options.providers]
  ) as ProviderSetup[];
  if (setups.length === 0) throw new MailError("CONFIG", "a mailer needs at least one provider");
  const links = await openLinks(setups, { timeoutMs: settings.timeoutMs, now: () => settings.clock.now() });
  const path: SendPath = {
    links,
    settings,
    cooldowns: createCooldowns(links, settings.clock, settings.cooldownMs),
    suppression: suppressionCheck(options.suppression),
  };
  const inFlight = trackInFlight(links);
  return {
    provider: links[0]!.id,
    providers: links.map((link) => link.id),
    from,
    send: (input, sendOptions = {}) => inFlight.run(() => sendMessage(path, from, input, sendOptions)),
    sendMany: (messages, manyOptions) => sendMany({ path, from, inFlight }, messages, manyOptions),
    verify: (verifyOptions = {}) => inFlight.run(() => verifyLinks(links, settings, verifyOptions.signal)),
    resetCooldowns: () => path.cooldowns.clear(),
    close: inFlight.close,
    [Symbol.asyncDispose]: inFlight.close,
  };
}

import { MailError, type ProviderDefinition } from "@posse/mail-core";
import { defineProvider, registerProvider } from "@posse/mail-core/provider";

/** What the fake providers' `verify` does, by provider id; set per test. */
export const verifyScript = new Map<string, () => Promise<void>>();
/** Messages the fake providers accepted, by provider id. */
export const fakeOutbox = new Map<string, { to: string[]; subject: string }[]>();

interface FakeConfig {
  readonly token: string;
}

function fakeProvider(id: string, label: string, variable: string): ProviderDefinition<FakeConfig> {
  return defineProvider<FakeConfig>({
    id,
    label,
    env: [
      { name: variable, description: "API token", required: true, secret: true },
      { name: `${variable}_REGION`, description: "region", default: "eu" },
    ],
    secretKeys: ["token"],
    configFromEnv: (values) => ({ token: values[variable]! }),
    create: () => {
      let count = 0;
      return {
        async send(message) {
          const list = fakeOutbox.get(id) ?? [];
          list.push({ to: message.to.map((a) => a.address), subject: message.subject });
          fakeOutbox.set(id, list);
          count += 1;
          return { messageId: `${id}-${count}` };
        },
        async verify() {
          const script = verifyScript.get(id);
          if (script) await script();
        },
      };
    },
  });
}

/** Registers two third-party providers, detected by `ACME_MAIL_TOKEN` and `BETA_MAIL_TOKEN`. */
export function registerFakeProviders(): void {
  registerProvider(fakeProvider("acme_mail", "Acme Mail", "ACME_MAIL_TOKEN"));
  registerProvider(fakeProvider("beta_mail", "Beta Mail", "BETA_MAIL_TOKEN"));
}

/** A verify failure as a vendor would report a bad key. */
export function authFailure(provider: string): MailError {
  return new MailError("AUTH", "the API token was refused (401)", { provider, status: 401 });
}

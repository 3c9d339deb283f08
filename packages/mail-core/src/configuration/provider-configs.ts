/**
 * Each provider's config type by its id, filled in by the provider packages an application imports:
 * `declare module "@posse/mail-core" { interface MailProviderConfigs { postmark: PostmarkConfig } }`.
 */
// biome-ignore lint/suspicious/noEmptyInterface: provider packages add their ids by module augmentation.
export interface MailProviderConfigs {}

/**
 * `createMailerFromEnv`'s `config`: for each imported provider's id, properties of its config merged over
 * what it reads from env, so a misspelt id or property fails to compile. Untyped until a provider package
 * is imported.
 */
export type ProviderConfigOverrides = [keyof MailProviderConfigs] extends [never]
  ? Readonly<Record<string, object>>
  : { readonly [Id in keyof MailProviderConfigs]?: Partial<MailProviderConfigs[Id]> };

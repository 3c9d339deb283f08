import { resolveMailProvider } from "@posse/mail-core";

// Placeholder until the demo issue lands: shows what the environment would choose.
const resolution = resolveMailProvider();
console.log(
  resolution
    ? `posse-mail demo: MAIL_PROVIDER resolves to ${resolution.chain.join(", ")} (${resolution.reason})`
    : "posse-mail demo: no e-mail provider is configured (the local inbox arrives with the demo issue)",
);

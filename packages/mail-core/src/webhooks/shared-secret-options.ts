import { MailError } from "../errors/mail-error.js";
import type { SharedSecretConfig } from "./shared-secret.js";

// RFC 9110 token characters: what a header name may hold.
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

function refuse(provider: string, field: string, why: string): never {
  throw new MailError("CONFIG", `the ${provider} webhook's ${field} ${why}`, { provider, field });
}

function nonEmpty(provider: string, field: string, value: unknown): string {
  if (typeof value !== "string" || value.trim() === "") {
    refuse(provider, field, "is empty: give the secret, or leave the option out");
  }
  return value;
}

// Headers arrive with surrounding whitespace trimmed, so a secret that has some could never match.
function headerValue(provider: string, field: string, value: unknown): void {
  if (nonEmpty(provider, field, value).trim() !== value) {
    refuse(provider, field, "starts or ends with whitespace, which an HTTP header cannot carry");
  }
}

/**
 * Checks each shared secret given in code, so none is silently half-configured: an empty (or blank) user name,
 * password, token, header or query value, a user name holding ":", or a header name that is none, is a CONFIG
 * error naming the option (`basic.password`, `bearer`, …), never its value. An empty Basic pair beside a token
 * would otherwise accept `Authorization: Basic Og==` from anyone.
 */
export function checkSecretsInCode(provider: string, config: SharedSecretConfig): void {
  const { basic, bearer, header, query } = config;
  if (basic !== undefined) {
    const username = nonEmpty(provider, "basic.username", basic?.username);
    nonEmpty(provider, "basic.password", basic.password);
    if (username.includes(":")) {
      refuse(provider, "basic.username", "holds ':', which a Basic user name cannot carry");
    }
  }
  if (bearer !== undefined) headerValue(provider, "bearer", bearer);
  if (header !== undefined) {
    if (typeof header?.name !== "string" || !HEADER_NAME.test(header.name)) {
      refuse(provider, "header.name", "is not an HTTP header name");
    }
    headerValue(provider, "header.value", header.value);
  }
  if (query !== undefined) {
    nonEmpty(provider, "query.name", query?.name);
    nonEmpty(provider, "query.value", query.value);
  }
}

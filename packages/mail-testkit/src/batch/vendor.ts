import { type MailMessage, normalizeMessage } from "@posse/mail-core";
import {
  type MailTransport,
  type NormalizedMessage,
  parseAddress,
  type RequestContext,
} from "@posse/mail-core/provider";
import { CONTRACT_FROM, type VendorAnswer } from "@posse/mail-core/testing";
import { afterEach } from "vitest";
import type { BatchConformance } from "./spec.js";

/** An answer with `status`, `body` (a string as written, JSON or a page; anything else as JSON) and `headers`. */
export function answering(
  status: number,
  body: unknown,
  headers: Readonly<Record<string, string>> = {},
): VendorAnswer {
  const text = typeof body === "string" ? body : JSON.stringify(body);
  const type = isJson(text) ? "application/json" : "text/html";
  return (response) => {
    response.writeHead(status, { "content-type": type, ...headers });
    response.end(text);
  };
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** Collects the loopback vendors a test starts and closes them after it. */
export function closingVendors(): { close(): Promise<void> }[] {
  const vendors: { close(): Promise<void> }[] = [];
  afterEach(async () => {
    await Promise.all(vendors.splice(0).map((vendor) => vendor.close()));
  });
  return vendors;
}

/** The provider's transport, pointed at `origin`. */
export function batchTransport<Config>(
  spec: BatchConformance<Config>,
  origin: string,
): Promise<Required<MailTransport>> {
  return Promise.resolve(
    spec.definition.create(spec.withEndpoint(origin), { timeoutMs: 5000, now: Date.now }),
  ) as Promise<Required<MailTransport>>;
}

/** Messages as the core hands them to a transport. */
export function normalized(messages: readonly MailMessage[]): NormalizedMessage[] {
  return messages.map((message) => normalizeMessage(message, parseAddress(CONTRACT_FROM, "from")));
}

/** A request context whose signal never aborts. */
export const context = (): RequestContext => ({
  signal: new AbortController().signal,
  attempt: 1,
  requestStarting: async () => {},
});

/** Three messages every batch carries. */
export const THREE = [
  { to: "ann@example.com", subject: "One", text: "Hi Ann" },
  { to: "bob@example.com", subject: "Two", text: "Hi Bob" },
  { to: "carol@example.com", subject: "Three", text: "Hi Carol" },
];

/** Two messages, as `mailer.sendMany` takes them. */
export const TWO = [
  { to: "ann@example.com", subject: "One", text: "Hi" },
  { to: "carol@example.com", subject: "Two", text: "Hi" },
];

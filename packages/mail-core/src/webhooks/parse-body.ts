import { WebhookError } from "./webhook-error.js";

const decoder = new TextDecoder("utf-8", { fatal: true });

/** The body as UTF-8 text; WebhookError 400 when it is not UTF-8. */
export function bodyText(body: Uint8Array): string {
  try {
    return decoder.decode(body);
  } catch {
    throw new WebhookError(400, "the body is not UTF-8 text");
  }
}

/** The body parsed as JSON; WebhookError 400 when it is not JSON. */
export function parseJsonBody(body: Uint8Array): unknown {
  const text = bodyText(body);
  try {
    return JSON.parse(text);
  } catch {
    throw new WebhookError(400, "the body is not JSON");
  }
}

/** Whether `value` is a plain JSON object (not an array, not null). */
export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Metadata as a vendor echoes it: an object's entries with each value as text (non-strings as JSON); anything else → {}. */
export function toStringRecord(value: unknown): Record<string, string> {
  if (!isJsonObject(value)) return {};
  return Object.fromEntries(
    Object.entries(value)
      .filter(([, item]) => item !== null && item !== undefined)
      .map(([key, item]) => [key, typeof item === "string" ? item : JSON.stringify(item)]),
  );
}

/** A string field, or undefined when the value is not a non-empty string. */
export function optionalString(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}

/** The records of a parsed body: one object, or an array of objects (a batched post); undefined for anything else. */
export function jsonRecords(body: unknown): Record<string, unknown>[] | undefined {
  const items = Array.isArray(body) ? body : [body];
  return items.every(isJsonObject) ? items : undefined;
}

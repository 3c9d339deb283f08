import { inspect } from "node:util";

/**
 * Looks for any of `secrets` in everything a user might print of a value: its message, stack,
 * `JSON.stringify`, `util.inspect` (causes included) and `String()`. Returns the first secret found.
 */
export function findSecret(value: unknown, secrets: readonly string[]): string | undefined {
  const renderings: string[] = [
    String(value),
    inspect(value, { depth: Number.POSITIVE_INFINITY, showHidden: true }),
  ];
  try {
    renderings.push(JSON.stringify(value) ?? "");
  } catch {
    // A cycle: inspect above still covers it.
  }
  if (value instanceof Error) renderings.push(value.message, value.stack ?? "");
  const text = renderings.join("\n");
  return secrets.find((secret) => text.includes(secret));
}

import { findSecret, recordConsole } from "@posse/mail-core/testing";
import { expect } from "vitest";
import type { WebhookAnswer, WebhookRefusal } from "./spec.js";

/** What a refused post must get. */
export interface Refused {
  /** The status. */
  readonly status: number;
  /** The exact text, when the vendor's spec gives it. */
  readonly text?: string | undefined;
  /** Forms of the secrets the answer must not echo. */
  readonly secrets: readonly string[];
}

/** The table rows of named refusals: `[name, post, text]`. */
export function refusalRows(
  refusals: Readonly<Record<string, WebhookRefusal>>,
): [string, () => Request, string | undefined][] {
  return Object.entries(refusals).map(([name, refusal]) =>
    typeof refusal === "function" ? [name, refusal, undefined] : [name, refusal.post, refusal.text],
  );
}

/**
 * Runs `send` (which creates the webhook and posts) with the console recorded, and checks the answer: the
 * status (and text), no secret in its text or headers, no event handed over, nothing logged. Returns it.
 */
export async function expectRefused(
  send: () => Promise<WebhookAnswer>,
  expected: Refused,
): Promise<WebhookAnswer> {
  const console_ = recordConsole();
  let answer: WebhookAnswer;
  try {
    answer = await send();
  } finally {
    console_.restore();
  }
  expect(answer.status, answer.text).toBe(expected.status);
  if (expected.text !== undefined) expect(answer.text).toBe(expected.text);
  expect(findSecret(answer.text, expected.secrets)).toBeUndefined();
  expect(findSecret([...answer.headers].join("\n"), expected.secrets)).toBeUndefined();
  expect(answer.events).toEqual([]);
  expect(console_.calls()).toEqual([]);
  return answer;
}

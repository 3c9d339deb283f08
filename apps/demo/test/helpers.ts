import { BUILTIN_PROVIDERS, type EnvSource } from "@posse/mail-core";
import type { TextOutput } from "../src/output.js";

/** An output stream that keeps what was written. */
export interface Collector extends TextOutput {
  readonly text: () => string;
  /** Resolves as soon as the written text contains `needle` (no polling, no timers). */
  readonly waitFor: (needle: string) => Promise<string>;
}

export function collector(isTTY = false): Collector {
  let buffer = "";
  const waiters: { needle: string; resolve: (text: string) => void }[] = [];
  const settle = () => {
    for (const waiter of [...waiters]) {
      if (!buffer.includes(waiter.needle)) continue;
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve(buffer);
    }
  };
  return {
    isTTY,
    write(chunk: string) {
      buffer += chunk;
      settle();
      return true;
    },
    text: () => buffer,
    waitFor: (needle) =>
      new Promise((resolve) => {
        waiters.push({ needle, resolve });
        settle();
      }),
  };
}

/** Every variable the mail packages read. */
export function mailVariableNames(): string[] {
  return [
    "MAIL_PROVIDER",
    "MAIL_FROM_ADDRESS",
    "MAIL_RETRY_ATTEMPTS",
    ...BUILTIN_PROVIDERS.flatMap((provider) => provider.env.map((variable) => variable.name)),
  ];
}

/** `process.env` without any mail variable, so a developer's own configuration cannot leak in. */
export function envWithoutMail(base: EnvSource = process.env): Record<string, string> {
  const names = new Set(mailVariableNames());
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(base)) {
    if (value !== undefined && !names.has(name)) env[name] = value;
  }
  return env;
}

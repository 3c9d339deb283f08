// @posse/mail-core/provider: what a provider author needs, from one entry that holds none of the
// application's API, sharing classes and the registry with the main entry (ESM and CommonJS alike).
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";

const AUTHOR_API = [
  "IDEMPOTENCY_HEADER",
  "MAX_RESPONSE_BYTES",
  "MailError",
  "ResponseTooLargeError",
  "answerTooLargeError",
  "codeForStatus",
  "declaredWithinLimit",
  "defineProvider",
  "encodeWords",
  "formatAddress",
  "httpFailure",
  "isLoopbackHost",
  "isMailError",
  "limitResponseBody",
  "limitedFetch",
  "needsEncodedWords",
  "noResponseFailure",
  "parseAddress",
  "parseRetryAfter",
  "readCappedText",
  "refusePlainHttp",
  "registerProvider",
  "requestCapped",
  "requestCappedFetch",
  "systemErrorCode",
  "transportFailure",
  "unsupportedField",
];

describe.each([
  ["ESM", () => import("../dist/provider.js"), () => import("../dist/index.js")],
  [
    "CommonJS",
    async () => createRequire(import.meta.url)("../dist/provider.cjs"),
    async () => createRequire(import.meta.url)("../dist/index.cjs"),
  ],
])("@posse/mail-core/provider (%s)", (_, loadProvider, loadMain) => {
  it("exports exactly the provider author's API, the same objects as the main entry", async () => {
    const provider = (await loadProvider()) as Record<string, unknown>;
    const main = (await loadMain()) as Record<string, unknown>;
    expect(
      Object.keys(provider)
        .filter((name) => name !== "default")
        .sort(),
    ).toEqual([...AUTHOR_API].sort());
    for (const name of AUTHOR_API) expect(provider[name], name).toBe(main[name]);
    expect(provider).not.toHaveProperty("createMailer");
    expect(provider).not.toHaveProperty("createMailerFromEnv");
  });

  it("registers into the registry the main entry reads", async () => {
    const provider = (await loadProvider()) as typeof import("../src/provider.js");
    const main = (await loadMain()) as typeof import("../src/index.js");
    const definition = provider.defineProvider({
      id: "entry_probe",
      label: "Entry probe",
      env: [{ name: "ENTRY_PROBE_KEY", description: "key", required: true, secret: true }],
      configFromEnv: () => ({}),
      create: () => ({ send: async () => ({ messageId: "1" }), verify: async () => {} }),
    });
    provider.registerProvider(definition);
    expect(main.getRegisteredProvider("entry_probe")).toBe(definition);
  });
});

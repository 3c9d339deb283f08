// @posse/mail-core/provider: what a provider author needs, from one entry that holds none of the
// application's API, sharing classes and the registry with the main entry (ESM and CommonJS alike).
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";

describe.each([
  ["ESM", () => import("../dist/provider.js"), () => import("../dist/index.js")],
  [
    "CommonJS",
    async () => createRequire(import.meta.url)("../dist/provider.cjs"),
    async () => createRequire(import.meta.url)("../dist/index.cjs"),
  ],
])("@posse/mail-core/provider (%s)", (_, loadProvider, loadMain) => {
  it("holds none of the application's API, and the same objects as the main entry where both export one", async () => {
    const provider = (await loadProvider()) as Record<string, unknown>;
    const main = (await loadMain()) as Record<string, unknown>;
    // The exact names of each entry are listed in surfaces.test.ts.
    const shared = Object.keys(provider).filter((name) => name in main);
    expect(shared.sort()).toEqual(["MailError", "envValue", "formatAddress", "isMailError", "parseAddress"]);
    for (const name of shared) expect(provider[name], name).toBe(main[name]);
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

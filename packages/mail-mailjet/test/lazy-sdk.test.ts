// Start-up cost: importing the package must not load the Mailjet SDK; creating a mailer does.
import { fileURLToPath } from "node:url";
import { sdkLoadReport } from "@posse/mail-core/testing";
import { describe, expect, it } from "vitest";

const SDK = "/node_modules/node-mailjet/";
const config = { apiKey: "mj-lazy-public", apiSecret: "mj-lazy-secret" };

describe.each(["index.js", "index.cjs"])("dist/%s", (file) => {
  it("loads the SDK only when a transport is created", async () => {
    const entry = fileURLToPath(new URL(`../dist/${file}`, import.meta.url));
    const report = await sdkLoadReport({ entry, providerId: "mailjet", config });
    expect(report.afterImport.filter((url) => url.includes(SDK))).toEqual([]);
    expect(report.afterCreate.some((url) => url.includes(SDK))).toBe(true);
  }, 30_000); // a fresh Node process loads the whole SDK: generous on a busy CI machine
});

describe.each(["webhooks/index.js", "webhooks/index.cjs"])("dist/%s", (file) => {
  it("loads no SDK at all", async () => {
    const entry = fileURLToPath(new URL(`../dist/${file}`, import.meta.url));
    const report = await sdkLoadReport({ entry });
    expect(report.afterImport.some((url) => url.includes("/webhooks/index."))).toBe(true);
    expect(report.afterImport.filter((url) => url.includes(SDK))).toEqual([]);
  }, 30_000);
});

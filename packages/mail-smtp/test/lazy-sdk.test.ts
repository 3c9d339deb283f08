// Start-up cost: importing the package must not load nodemailer; creating a mailer does.
import { fileURLToPath } from "node:url";
import { sdkLoadReport } from "@posse/mail-core/testing";
import { describe, expect, it } from "vitest";

const SDK = "/node_modules/nodemailer/";
// Creating the transport opens no connection, so an unreachable host is fine here.
const config = { host: "127.0.0.1", port: 587, startTls: true };

describe.each(["index.js", "index.cjs"])("dist/%s", (file) => {
  it("loads the SDK only when a transport is created", async () => {
    const entry = fileURLToPath(new URL(`../dist/${file}`, import.meta.url));
    const report = await sdkLoadReport({ entry, providerId: "smtp", config });
    expect(report.afterImport.filter((url) => url.includes(SDK))).toEqual([]);
    expect(report.afterCreate.some((url) => url.includes(SDK))).toBe(true);
  });
});

import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { doctor, providerStatuses } from "../src/doctor.js";
import { authFailure, registerFakeProviders, verifyScript } from "./fake-providers.js";
import { collector } from "./helpers.js";

const FROM = "Possy <possy@example.com>";
const ACME_SECRET = "acme-secret-token-123";
const BETA_SECRET = "beta-secret-token-456";

beforeAll(() => {
  registerFakeProviders();
});

afterEach(() => {
  verifyScript.clear();
});

// No provider package is installed here: only the registered fakes can be loaded.
let noPackages: string;
beforeAll(async () => {
  noPackages = await mkdtemp(join(tmpdir(), "posse-doctor-"));
});
afterAll(() => rm(noPackages, { recursive: true, force: true }));

async function runDoctor(env: Record<string, string>, verbose = false) {
  const out = collector();
  const err = collector();
  const code = await doctor({ env, out, err, verbose, mailer: { resolveFrom: [noPackages] } });
  return { code, out: out.text(), err: err.text(), all: out.text() + err.text() };
}

function row(output: string, id: string): string {
  return output.split("\n").find((line) => line.startsWith(`${id} `))!;
}

describe("doctor", () => {
  it("lists all eight providers and the registered third-party ones", async () => {
    const { out } = await runDoctor({});
    for (const id of [
      "amazon_ses",
      "resend",
      "mailgun",
      "postmark",
      "sendgrid",
      "brevo",
      "mailjet",
      "smtp",
    ]) {
      expect(row(out, id)).toMatch(/\bno\b/);
    }
    expect(row(out, "acme_mail")).toContain("Acme Mail (third-party)");
    expect(row(out, "smtp")).toContain("SMTP_HOST missing");
    expect(row(out, "smtp")).toContain("SMTP_PORT unset (default 587)");
  });

  it("with nothing configured: says so and exits non-zero without verifying", async () => {
    verifyScript.set("acme_mail", () => Promise.reject(new Error("verify must not run")));
    const { code, out } = await runDoctor({});
    expect(code).toBe(1);
    expect(out).toContain("MAIL_FROM_ADDRESS  MAIL_FROM_ADDRESS is required");
    expect(out).toContain("Chosen: nothing.");
    expect(out).toContain("Not usable:");
    expect(out).not.toContain("Verifying");
  });

  it("with one provider: chooses it by detection, says why, verifies it and exits 0", async () => {
    const { code, out, all } = await runDoctor({ MAIL_FROM_ADDRESS: FROM, ACME_MAIL_TOKEN: ACME_SECRET });
    expect(code).toBe(0);
    expect(out).toContain("MAIL_FROM_ADDRESS  Possy <possy@example.com>");
    expect(out).toContain("MAIL_PROVIDER      (blank");
    expect(row(out, "acme_mail")).toMatch(
      /yes, chosen +ACME_MAIL_TOKEN set, ACME_MAIL_TOKEN_REGION unset \(default eu\)/,
    );
    expect(out).toContain(
      "Chosen: acme_mail: MAIL_PROVIDER is blank and it is the first provider in the order above whose variables (ACME_MAIL_TOKEN) are all set.",
    );
    expect(out).toContain("Verifying acme_mail… ok");
    expect(all).not.toContain(ACME_SECRET);
  });

  it("with two providers: the first in order wins, the other is reported as not used", async () => {
    const { code, out, all } = await runDoctor({
      MAIL_FROM_ADDRESS: FROM,
      ACME_MAIL_TOKEN: ACME_SECRET,
      BETA_MAIL_TOKEN: BETA_SECRET,
      BETA_MAIL_TOKEN_REGION: "us",
    });
    expect(code).toBe(0);
    expect(row(out, "acme_mail")).toContain("yes, chosen");
    expect(row(out, "beta_mail")).toContain("yes, not used");
    expect(row(out, "beta_mail")).toContain("BETA_MAIL_TOKEN set, BETA_MAIL_TOKEN_REGION=us");
    expect(out).toContain("also configured but not used: beta_mail (set MAIL_PROVIDER to choose one)");
    expect(all).not.toContain(ACME_SECRET);
    expect(all).not.toContain(BETA_SECRET);
  });

  it("with MAIL_PROVIDER naming two: explains the failover order and verifies both", async () => {
    const verified: string[] = [];
    verifyScript.set("acme_mail", async () => void verified.push("acme_mail"));
    verifyScript.set("beta_mail", async () => void verified.push("beta_mail"));
    const { code, out } = await runDoctor({
      MAIL_FROM_ADDRESS: FROM,
      MAIL_PROVIDER: "beta_mail, acme_mail",
      ACME_MAIL_TOKEN: ACME_SECRET,
      BETA_MAIL_TOKEN: BETA_SECRET,
    });
    expect(code).toBe(0);
    expect(row(out, "beta_mail")).toContain("yes, chosen");
    expect(row(out, "acme_mail")).toContain("yes, failover");
    expect(out).toContain(
      "Chosen: beta_mail, acme_mail: MAIL_PROVIDER=beta_mail,acme_mail names it, failing over in that order.",
    );
    expect(verified).toEqual(["beta_mail", "acme_mail"]);
  });

  it("with a missing variable: names it, never prints the secret that is set, exits non-zero", async () => {
    const secret = "key-mailgun-very-secret";
    const { code, out, all } = await runDoctor({
      MAIL_FROM_ADDRESS: FROM,
      MAIL_PROVIDER: "mailgun",
      MAILGUN_API_KEY: secret,
    });
    expect(code).toBe(1);
    expect(row(out, "mailgun")).toContain("incomplete");
    expect(row(out, "mailgun")).toContain(
      "MAILGUN_API_KEY set, MAILGUN_DOMAIN missing, MAILGUN_REGION unset (default us)",
    );
    expect(out).toContain("Incomplete: mailgun needs MAILGUN_DOMAIN to be set.");
    expect(out).toContain(
      "Not usable: MAILGUN_DOMAIN must be set; @posse/mail-mailgun is not installed: run `npm install @posse/mail-mailgun`.",
    );
    expect(all).not.toContain(secret);
  });

  it("reports providers that are only partly set up when detection decides", async () => {
    const { code, out } = await runDoctor({ MAIL_FROM_ADDRESS: FROM, SMTP_HOST: "smtp.example.com" });
    expect(code).toBe(1);
    expect(row(out, "smtp")).toContain("SMTP_HOST=smtp.example.com");
    expect(out).toContain("Incomplete: smtp needs SMTP_USERNAME, SMTP_PASSWORD to be set.");
  });

  it("rejects an unknown MAIL_PROVIDER", async () => {
    const { code, out } = await runDoctor({ MAIL_FROM_ADDRESS: FROM, MAIL_PROVIDER: "carrier_pigeon" });
    expect(code).toBe(1);
    expect(out).toContain('Not usable: "carrier_pigeon" is not a known provider.');
  });

  it("when verify fails: prints code, provider and hint, no stack, exits non-zero", async () => {
    verifyScript.set("acme_mail", () => Promise.reject(authFailure("acme_mail")));
    const { code, out, err } = await runDoctor({ MAIL_FROM_ADDRESS: FROM, ACME_MAIL_TOKEN: ACME_SECRET });
    expect(code).toBe(1);
    expect(out).toContain("Verifying acme_mail… failed");
    expect(err).toContain("error AUTH (acme_mail): the API token was refused (401)");
    expect(err).toContain("hint: the provider refused the credentials: check ACME_MAIL_TOKEN");
    expect(err).not.toMatch(/\n\s+at /);
  });

  it("with --verbose, a failed verify also prints the stack", async () => {
    verifyScript.set("acme_mail", () => Promise.reject(authFailure("acme_mail")));
    const { err } = await runDoctor({ MAIL_FROM_ADDRESS: FROM, ACME_MAIL_TOKEN: ACME_SECRET }, true);
    expect(err).toMatch(/\n\s+at /);
  });

  it("needs a valid MAIL_FROM_ADDRESS even when a provider is configured", async () => {
    const { code, out } = await runDoctor({
      MAIL_FROM_ADDRESS: "not an address",
      ACME_MAIL_TOKEN: ACME_SECRET,
    });
    expect(code).toBe(1);
    expect(out).toContain("Not usable: MAIL_FROM_ADDRESS is not a valid address");
  });
});

describe("providerStatuses", () => {
  it("treats a provider named by MAIL_PROVIDER as configured with only its required variables", () => {
    const statuses = providerStatuses({ MAIL_PROVIDER: "smtp", SMTP_HOST: "localhost" });
    expect(statuses.find((s) => s.id === "smtp")!.status).toBe("chosen");
  });
});

describe("doctor reports what would keep the mailer from starting", () => {
  const NOT_INSTALLED = "@posse/mail-resend is not installed: run `npm install @posse/mail-resend`";

  it("shows a configured provider it passed over because its package is not installed", async () => {
    verifyScript.set("acme_mail", () => Promise.resolve());
    const { code, out } = await runDoctor({
      MAIL_FROM_ADDRESS: FROM,
      RESEND_API_KEY: "re_doctor_1",
      ACME_MAIL_TOKEN: ACME_SECRET,
    });
    expect(code).toBe(0);
    expect(out).toContain(`Passed over: resend is configured, but ${NOT_INSTALLED}.`);
    expect(out).toContain(
      "Chosen: acme_mail: MAIL_PROVIDER is blank and it is the first provider in the order above whose variables (ACME_MAIL_TOKEN) are all set and can be loaded (passed over: resend).",
    );
    expect(out).not.toContain("also configured but not used: resend");
  });

  it("says a detected provider was detected, not named by MAIL_PROVIDER, when it cannot be used", async () => {
    const { code, out } = await runDoctor({ MAIL_FROM_ADDRESS: FROM, RESEND_API_KEY: "re_doctor_1" });
    expect(code).toBe(1);
    expect(out).toContain("Chosen: resend (detected from RESEND_API_KEY; MAIL_PROVIDER is blank)");
    expect(out).toContain(`Not usable: ${NOT_INSTALLED}.`);
    expect(out).not.toContain("MAIL_PROVIDER=resend");
    expect(out).not.toContain("Verifying");
  });

  it("names each malformed value, never showing it", async () => {
    const { code, out, all } = await runDoctor({
      MAIL_FROM_ADDRESS: FROM,
      MAIL_PROVIDER: "acme_mail,smtp",
      ACME_MAIL_TOKEN: ACME_SECRET,
      SMTP_HOST: "smtp.example.com",
      SMTP_PORT: "99999",
      SMTP_ENABLE_STARTTLS: "maybe",
    });
    expect(code).toBe(1);
    expect(out).toContain(
      "Not usable: smtp: SMTP_PORT must be a port number from 1 to 65535; smtp: SMTP_ENABLE_STARTTLS must be true or false (also 1/0, yes/no); smtp: @posse/mail-smtp is not installed: run `npm install @posse/mail-smtp`.",
    );
    expect(all).not.toContain(ACME_SECRET);
    expect(out).not.toContain("Verifying");
  });
});

import { MailError } from "@posse/mail-core";
import { describe, expect, it } from "vitest";
import { step } from "../src/output.js";
import { hintFor, reportError, UsageError } from "../src/report-error.js";
import { collector } from "./helpers.js";

describe("step", () => {
  it("prints the label, then the outcome on the same line", async () => {
    const out = collector();
    expect(
      await step(
        out,
        "Starting",
        async () => 42,
        (n) => `got ${n}`,
      ),
    ).toBe(42);
    expect(out.text()).toBe("Starting… got 42\n");
  });

  it("redraws the line on a terminal", async () => {
    const out = collector(true);
    await step(out, "Starting", async () => 1);
    expect(out.text()).toBe("Starting…\r\x1b[2K✓ Starting  done\n");
  });

  it("says failed and rethrows", async () => {
    const out = collector();
    const failure = new Error("boom");
    await expect(step(out, "Sending", () => Promise.reject(failure))).rejects.toBe(failure);
    expect(out.text()).toBe("Sending… failed\n");
  });
});

describe("reportError", () => {
  it("prints code, provider, message and a hint for a MailError, without a stack", () => {
    const err = collector();
    reportError(new MailError("RATE_LIMITED", "slow down (429)", { provider: "resend" }), err);
    expect(err.text()).toBe(
      "error RATE_LIMITED (resend): slow down (429)\nhint: the provider is rate-limiting this account: wait a little and try again\n",
    );
  });

  it("lists each provider's error of a failover error", () => {
    const err = collector();
    const inner = [
      new MailError("UNAVAILABLE", "503", { provider: "resend" }),
      new MailError("NETWORK", "ECONNRESET", { provider: "smtp" }),
    ];
    reportError(new MailError("NETWORK", "every provider failed", { provider: "smtp", errors: inner }), err);
    expect(err.text()).toContain("  - UNAVAILABLE (resend): 503\n  - NETWORK (smtp): ECONNRESET\n");
  });

  it("names the provider's credential variables in an AUTH hint", () => {
    expect(hintFor({ code: "AUTH", provider: "mailjet", field: undefined })).toContain(
      "check MAILJET_API_KEY, MAILJET_API_SECRET",
    );
  });

  it("says what a SUPPRESSED error means", () => {
    expect(hintFor({ code: "SUPPRESSED", provider: undefined, field: undefined })).toContain(
      "a recipient is on the suppression list",
    );
  });

  it("prints the stack and causes only with verbose", () => {
    const error = new Error("outer", { cause: new Error("inner") });
    const quiet = collector();
    reportError(error, quiet);
    expect(quiet.text()).toBe("error: Error: outer\nhint: run again with --verbose for the stack trace\n");
    const loud = collector();
    reportError(error, loud, { verbose: true });
    expect(loud.text()).toMatch(/Error: outer\n\s+at [\s\S]*Caused by:\nError: inner\n\s+at /);
  });

  it("points to --help for usage errors", () => {
    const err = collector();
    reportError(new UsageError("unknown command"), err, { verbose: true });
    expect(err.text()).toBe("error: unknown command\nhint: `demo --help` lists the commands and options\n");
  });
});

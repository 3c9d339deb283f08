import { describe, expect, it } from "vitest";
import { main } from "../src/cli.js";
import { collector, envWithoutMail } from "./helpers.js";

describe("demo --verbose", () => {
  it("prints the OpenTelemetry spans of the three sends: each send span with its attempt under it, no address or subject", async () => {
    const stdout = collector();
    const stderr = collector();
    const code = await main(["--verbose", "--exit"], { env: envWithoutMail(), stdout, stderr });
    expect(stderr.text()).toBe("");
    expect(code).toBe(0);
    const text = stdout.text();
    const ids = [...text.matchAll(/ sent via smtp, id (<[^>]+>)\n/g)].map((match) => match[1]);
    expect(ids).toHaveLength(3);

    const printed = text.slice(text.indexOf("OpenTelemetry spans"), text.indexOf("The inbox received"));
    const lines = printed.trimEnd().split("\n");
    expect(lines[0]).toBe("OpenTelemetry spans of the 3 sends (@posse/mail-opentelemetry):");
    expect(lines).toHaveLength(1 + 3 * 3);
    for (const [index, id] of ids.entries()) {
      const [trace, send, attempt] = lines.slice(1 + index * 3, 4 + index * 3);
      expect(trace).toMatch(/^ {2}trace [0-9a-f]{32}$/);
      expect(send).toMatch(/^ {4}send mail \(\d+\.\d ms\) /);
      expect(send).toContain(`messaging.message.id=${id}`);
      expect(send).toContain("posse_mail.outcome=sent posse_mail.provider=smtp posse_mail.attempts=1");
      expect(attempt).toMatch(/^ {6}└ send mail smtp \(\d+\.\d ms\) /);
      expect(attempt).toContain("posse_mail.attempt=1 posse_mail.failover.position=0");
    }
    // The error report carries one attachment (its stack trace).
    expect(lines[8]).toContain("posse_mail.attachment.count=1 ");
    expect(printed).not.toMatch(/ada@|Ada Lovelace|POSSE Party|sign-in|stack-trace/i);
  });
});

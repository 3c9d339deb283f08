// The webhook checks can fail: run against a vendor webhook that reads a post's body before looking at its
// signature headers, names the signature it got in its 401 text, checks no time window, keeps no tokens, logs a
// malformed body, lets insecureNoVerification switch a configured secret off and drops the metadata it was sent,
// exactly those checks fail; the same webhook without the faults passes every check, as does a vendor made with
// core's sharedSecretWebhook.
import { describe, expect, it } from "vitest";
import { runFixture } from "./run-fixture.js";

describe("describeWebhookConformance", () => {
  it("passes a vendor webhook that does everything right, and one made with core's sharedSecretWebhook, every check", async () => {
    const { passed, failed } = await runFixture("webhook-faithful");
    expect(failed).toEqual([]);
    expect(passed.length).toBeGreaterThanOrEqual(39);
  }, 120_000);

  it("fails exactly the checks a faulty vendor webhook breaks", async () => {
    const { passed, failed } = await runFixture("webhook-faulty");
    const short = failed.map((name) =>
      name.replace(/^faulty-acme webhook conformance \(@posse\/mail-testkit\) /, ""),
    );
    expect(short.sort()).toEqual(
      [
        // the body of a post without credentials is read before its headers are looked at
        "answers 401 to a post without credentials over maxBodyBytes",
        "refuses a post without credentials with 401 before reading a byte of its body",
        "answers a post without credentials with 401 through toNodeHandler before its body arrives",
        // the signature it got is named in its 401 text
        "refuses a forged post with 401, handing nothing over, echoing no secret, logging nothing a tampered body",
        // no time window
        "refuses a post signed -301 s from now with 403 (outside the 300 s window)",
        "refuses a post signed 301 s from now with 403 (outside the 300 s window)",
        "widens the window to toleranceSeconds",
        // no token cache
        "refuses a replayed post with 403, also when the rest of it differs",
        // a malformed body logged
        "refuses an authentic body that is not faulty-acme's with 400 not JSON",
        // insecureNoVerification outweighs a configured secret
        "still verifies when a secret is configured beside insecureNoVerification (401 unsigned), and warns nothing",
        // metadata dropped
        "joins what send() returned an event's messageId, tags and metadata equal what the send returned and carried",
      ].sort(),
    );
    expect(passed.length).toBeGreaterThanOrEqual(15);
  }, 120_000);
});

import { MailError } from "@posse/mail-core";
import { describe, expect, it } from "vitest";
import { failureText, readFailure } from "../src/dead-letter.js";

describe("a dead letter's error", () => {
  it("round-trips the redacted MailError JSON", () => {
    const error = new MailError("REJECTED", "suppressed", { provider: "postmark", status: 422 });
    expect(readFailure(failureText(error))).toEqual(error.toJSON());
  });

  it("reads a reason BullMQ wrote itself (a job stalled too often) as UNKNOWN with the outcome unknown", () => {
    expect(readFailure("job stalled more than allowable limit")).toEqual({
      name: "MailError",
      code: "UNKNOWN",
      message: "job stalled more than allowable limit",
      retryable: false,
      outcomeUnknown: true,
    });
    expect(readFailure(undefined)).toMatchObject({
      code: "UNKNOWN",
      message: "the job failed without a reason",
    });
    expect(readFailure('{"not":"ours"}')).toMatchObject({ code: "UNKNOWN", outcomeUnknown: true });
  });
});

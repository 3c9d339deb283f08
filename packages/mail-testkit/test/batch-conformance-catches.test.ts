// The batch checks can fail: run against a batch provider that follows redirects, never awaits
// requestStarting, fills a short answer with receipts and reads 64 MiB of an endless answer, exactly those
// checks fail; the same provider without the faults passes every check.
import { describe, expect, it } from "vitest";
import { runFixture } from "./run-fixture.js";

describe("describeBatchConformance", () => {
  it("passes a batch provider that does everything right, every check", async () => {
    const { passed, failed } = await runFixture("batch-faithful");
    expect(failed).toEqual([]);
    expect(passed).toHaveLength(11);
  }, 120_000);

  it("fails exactly the checks a faulty batch provider breaks", async () => {
    const { passed, failed } = await runFixture("batch-faulty");
    const short = failed.map((name) => name.replace(/^faulty_batch batch over a real socket /, ""));
    expect(short.sort()).toEqual(
      [
        // requestStarting never awaited: beforeRequest neither runs nor stops the batch
        "runs sendMany's beforeRequest for the batch before it leaves, and sends nothing when it refuses",
        // a short answer filled with receipts
        "rejects with the error of a 200 that is not one id per message (HTTP 200)",
        // fetch's default redirect: follow
        "follows no redirect: a 307 rejects with an error of unknown outcome",
        // 64 MiB read of an endless answer
        "stops reading an endless 200 and rejects with UNKNOWN and its status",
      ].sort(),
    );
    expect(passed).toHaveLength(7);
  }, 120_000);
});

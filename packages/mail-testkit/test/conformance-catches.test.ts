// The suite can fail: run against a provider that drops tags, calls a 401 a server failure, leaks its key
// into errors, takes any 2xx for a receipt, reads 64 MiB of an endless answer (or of a compression bomb),
// drops the signal once the headers arrived, follows redirects, sends over plain http anywhere and never
// awaits requestStarting, exactly
// those checks fail; the same provider without the faults passes every check.
import { describe, expect, it } from "vitest";
import { runFixture } from "./run-fixture.js";

describe("describeProviderConformance", () => {
  it("passes a provider that does everything right, every check", async () => {
    const { passed, failed } = await runFixture("faithful");
    expect(failed).toEqual([]);
    expect(passed.length).toBeGreaterThanOrEqual(35);
  }, 120_000);

  it("fails exactly the checks a faulty provider breaks", async () => {
    const { passed, failed } = await runFixture("faulty");
    const short = failed.map((name) => name.replace(/^faulty conformance \(@posse\/mail-testkit\) /, ""));
    expect(short.sort()).toEqual(
      [
        // tags dropped silently
        "every message field reaches the vendor, or is refused with UNSUPPORTED before any request tags",
        // the key is in every HTTP error's text; 401 is also classified UNAVAILABLE
        ...[400, 401, 403, 422, 429, 500, 503, 504].map(
          (status) =>
            `maps every HTTP failure to its MailError, in one request, with no secret anywhere HTTP ${status}`,
        ),
        // a 2xx without an id became a receipt
        "a 2xx that is not the vendor's success is no receipt: UNKNOWN, outcome unknown, sent once a 200 HTML page (a captive portal)",
        "a 2xx that is not the vendor's success is no receipt: UNKNOWN, outcome unknown, sent once a 200 empty JSON object",
        // 64 MiB read from an endless answer; the signal dropped once the headers arrived
        "over a real socket, an answer that never ends is capped and torn down reads an endless 200 to at most MAX_RESPONSE_BYTES, closes the socket: UNKNOWN, outcome unknown, sent once",
        "over a real socket, an answer that never ends is capped and torn down closes a trickling answer's socket when the timeout fires on the injected clock: TIMEOUT",
        "over a real socket, an answer that never ends is capped and torn down closes a trickling answer's socket when the caller aborts: ABORTED",
        // redirects followed to the other host's success
        ...[301, 302, 303, 307, 308].map(
          (status) =>
            `over a real socket, a redirect or a compression bomb is never taken for a send does not follow a ${status} to another host: UNKNOWN, outcome unknown, sent once, the new location never asked`,
        ),
        // a 16 MiB bomb inflated whole (within its 64 MiB) into a receipt
        ...["br", "gzip"].map(
          (encoding) =>
            `over a real socket, a redirect or a compression bomb is never taken for a send does not inflate a ${encoding} answer past MAX_RESPONSE_BYTES into a receipt: UNKNOWN, outcome unknown, sent once`,
        ),
        // requestStarting never awaited: the mark is missing when the request arrives, and a refusal is ignored
        "beforeRequest (the queue's 'possibly sent' mark) runs only once the request is leaving runs before the vendor receives the request",
        "beforeRequest (the queue's 'possibly sent' mark) runs only once the request is leaving sends nothing when it refuses, and the send fails with its error",
        "beforeRequest (the queue's 'possibly sent' mark) runs only once the request is leaving runs when its HTTP client takes a request refused at connect, which fails as known not to have arrived",
        // the key sent over plain http to another machine
        "refuses plain http to another machine with CONFIG before any request http://192.0.2.2:8080",
        "refuses plain http to another machine with CONFIG before any request http://api.localhost:8080",
      ].sort(),
    );
    expect(passed.length).toBeGreaterThan(20);
  }, 120_000);
});

// The filter the "every export loads" check applies to stderr: it takes out msw's localStorage warning on
// Node 25+ and nothing else, so a warning of ours still fails the check.
import { describe, expect, it } from "vitest";
import { withoutMswStorageWarning } from "./msw-warning.js";

const MSW =
  "(node:4242) ExperimentalWarning: localStorage is not available because --localstorage-file was not provided.\n";
const HINT = "(Use `node --trace-warnings ...` to show where the warning was created)\n";

describe("withoutMswStorageWarning", () => {
  it("takes out msw's warning and Node's hint line after it", () => {
    expect(withoutMswStorageWarning(`${MSW}${HINT}`)).toBe("");
  });

  it("keeps any other warning, an ExperimentalWarning of ours included, and the hint that follows it", () => {
    const ours = "(node:4242) ExperimentalWarning: something of ours is experimental\n";
    expect(withoutMswStorageWarning(`${ours}${HINT}${MSW}`)).toBe(`${ours}${HINT}`);
    expect(withoutMswStorageWarning(`${MSW}${HINT}${ours}`)).toBe(ours);
  });
});

// Runs one fixture of the suite in a child vitest (a failing run exits 1: its JSON report says what failed).
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const PACKAGE = fileURLToPath(new URL("..", import.meta.url));

interface Report {
  testResults: { assertionResults: { fullName: string; status: string }[] }[];
}

/** Runs `test/fixtures/<name>.fixture.ts` in a child vitest and returns the full names of its passed and failed checks. */
export async function runFixture(name: string): Promise<{ passed: string[]; failed: string[] }> {
  const directory = await mkdtemp(join(tmpdir(), "posse-testkit-"));
  const output = join(directory, "report.json");
  try {
    await new Promise<void>((resolve) => {
      execFile(
        process.execPath,
        [
          join(PACKAGE, "node_modules", "vitest", "vitest.mjs"),
          "run",
          "--config",
          "test/fixtures/vitest.config.ts",
          "--reporter=json",
          `--outputFile=${output}`,
          `test/fixtures/${name}.fixture.ts`,
        ],
        { cwd: PACKAGE, env: { ...process.env, NODE_OPTIONS: "" }, timeout: 120_000 },
        () => resolve(), // a failing run exits 1: the report says what failed
      );
    });
    const report = JSON.parse(await readFile(output, "utf8")) as Report;
    const results = report.testResults.flatMap((file) => file.assertionResults);
    const names = (status: string) =>
      results.filter((result) => result.status === status).map((result) => result.fullName);
    return { passed: names("passed"), failed: names("failed") };
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}

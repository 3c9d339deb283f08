#!/usr/bin/env node
// The first step of `npm test`: names each program outside npm that the tests need and this machine lacks, with
// the command that installs it, and exits 1 before anything is installed, built or tested. Node alone runs it.
import { debianInstall, missingSystemTools } from "../tests/tools/src/system-tools.js";

const missing = missingSystemTools(process.env);
if (missing.length > 0) {
  const lines = [
    `npm test needs ${missing.length === 1 ? "a program" : "programs"} this machine lacks:`,
    ...missing.map(({ tool, problem }) => `  - ${problem}: ${tool.usedBy}`),
    "Install on Debian with:",
    `  ${debianInstall(missing.map(({ tool }) => tool.debianPackage))}`,
    "No test was run.",
  ];
  process.stderr.write(`${lines.join("\n")}\n`);
  process.exitCode = 1;
}

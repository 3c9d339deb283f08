// The programs outside npm that the tests start: how each is found and the command that installs it. Plain
// JavaScript, so scripts/preflight.mjs can use it with Node alone, before anything is installed.
import { accessSync, constants, statSync } from "node:fs";
import { delimiter, isAbsolute, join } from "node:path";

/** The Debian command that installs the named packages (`.ci/run` runs the same one). */
export const debianInstall = (/** @type {string[]} */ packages) =>
  `sudo apt-get install ${packages.join(" ")}`;

/** @param {string} path */
function isExecutableFile(path) {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/**
 * The first executable file called `name` in the directories of `env.PATH`, or undefined.
 * @param {string} name
 * @param {Record<string, string | undefined>} env
 */
export function findOnPath(name, env) {
  for (const directory of (env.PATH ?? "").split(delimiter)) {
    if (isAbsolute(directory) && isExecutableFile(join(directory, name))) return join(directory, name);
  }
  return undefined;
}

/** @typedef {{ path: string } | { problem: string }} Located */

/** @type {import("./index.js").SystemTool[]} */
export const SYSTEM_TOOLS = [
  {
    name: "redis-server",
    usedBy: "the queue, OpenTelemetry and `demo --queue` tests each start one",
    debianPackage: "redis-server",
    locate(env) {
      const path = findOnPath("redis-server", env);
      return path === undefined ? { problem: "redis-server is not on PATH" } : { path };
    },
  },
  {
    name: "redis-cli",
    usedBy: "the queue's cluster test joins its redis-servers with it",
    debianPackage: "redis-tools",
    locate(env) {
      const path = findOnPath("redis-cli", env);
      return path === undefined ? { problem: "redis-cli is not on PATH" } : { path };
    },
  },
  {
    name: "Chromium",
    usedBy: "the demo's browser test drives it",
    debianPackage: "chromium",
    locate(env) {
      const given = env.CHROMIUM_PATH;
      if (given) {
        return isExecutableFile(given)
          ? { path: given }
          : { problem: `CHROMIUM_PATH=${given} is not an executable file` };
      }
      const path = findOnPath("chromium", env);
      return path === undefined
        ? { problem: "chromium is not on PATH and CHROMIUM_PATH is not set" }
        : { path };
    },
  },
];

/**
 * Each tool `env` lacks, with why it is missing and the command that installs it.
 * @param {Record<string, string | undefined>} env
 */
export function missingSystemTools(env) {
  return SYSTEM_TOOLS.flatMap((tool) => {
    const located = tool.locate(env);
    if ("path" in located) return [];
    return [{ tool, problem: located.problem, install: debianInstall([tool.debianPackage]) }];
  });
}

/**
 * Where `name` is in `env`, or an Error naming what is missing and the command that installs it.
 * @param {string} name
 * @param {Record<string, string | undefined>} env
 */
export function locateSystemTool(name, env) {
  const tool = SYSTEM_TOOLS.find((candidate) => candidate.name === name);
  if (tool === undefined) throw new Error(`unknown system tool ${name}`);
  const located = tool.locate(env);
  if ("path" in located) return located.path;
  throw new Error(
    `${located.problem} (${tool.usedBy}): install it with \`${debianInstall([tool.debianPackage])}\` (Debian)`,
  );
}

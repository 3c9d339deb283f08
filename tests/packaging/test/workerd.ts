// One Worker under Cloudflare's workerd (the `workerd` package from the npm registry, which installs the binary
// for this machine's platform): bundled with
// esbuild from the built workspace packages as a Workers bundler does (the `workerd`, `worker` and `browser`
// conditions), served on 127.0.0.1 at a port workerd picks (0) and reports on its control fd, and allowed to
// reach loopback addresses only.
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { builtinModules, createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import type { Readable } from "node:stream";
import { build, type Plugin } from "esbuild";

const PACKAGING = join(import.meta.dirname, "..");
const workerdPackage = createRequire(import.meta.url)("workerd") as {
  default: string;
  compatibilityDate: string;
};
const WORKERD = workerdPackage.default;
/** The newest compatibility date this workerd supports; `nodejs_compat` is on by default from 2026-08-04. */
export const COMPATIBILITY_DATE = workerdPackage.compatibilityDate;

const BUILTIN = new RegExp(`^(node:)?(${builtinModules.map((name) => name.replace("/", "\\/")).join("|")})$`);

/**
 * A `require()` of a Node built-in becomes an import of it, as Wrangler bundles for `nodejs_compat`: an ES
 * module bundle has no `require`, and esbuild's stand-in throws "Dynamic require of … is not supported".
 */
const requiredBuiltins: Plugin = {
  name: "required-builtins",
  setup(plugin) {
    plugin.onResolve({ filter: BUILTIN }, (args) =>
      args.kind === "require-call"
        ? { path: args.path.replace(/^(node:)?/, "node:"), namespace: "required-builtin" }
        : undefined,
    );
    plugin.onLoad({ filter: /./, namespace: "required-builtin" }, (args) => ({
      contents: `import builtin from ${JSON.stringify(args.path)}; module.exports = builtin;`,
      loader: "js",
    }));
  },
};

/** A bundled Worker: its code and the modules it leaves to the runtime. */
export interface WorkerBundle {
  readonly code: string;
  /** Specifiers the bundle imports from the runtime (Node built-ins), sorted, without duplicates. */
  readonly imports: readonly string[];
}

/**
 * Bundles `source` (an ES module whose default export has `fetch`), resolving packages from tests/packaging.
 * `nodeBuiltins: false` bundles for a neutral platform with nothing external: any Node built-in it reaches
 * fails the build. `true` leaves them to workerd's Node compatibility.
 */
export async function bundleWorker(
  source: string,
  { nodeBuiltins }: { nodeBuiltins: boolean },
): Promise<WorkerBundle> {
  const result = await build({
    stdin: { contents: source, resolveDir: PACKAGING, sourcefile: "worker.mjs", loader: "js" },
    bundle: true,
    write: false,
    format: "esm",
    platform: nodeBuiltins ? "browser" : "neutral",
    conditions: ["workerd", "worker", "browser"],
    mainFields: ["browser", "module", "main"],
    ...(nodeBuiltins && { external: ["node:*", ...builtinModules], plugins: [requiredBuiltins] }),
    metafile: true,
    logLevel: "silent",
  });
  const imports = Object.values(result.metafile.outputs).flatMap((output) =>
    output.imports.map((i) => i.path),
  );
  return { code: result.outputFiles[0]!.text, imports: [...new Set(imports)].sort() };
}

/** A running workerd serving one Worker. */
export interface RunningWorker {
  readonly url: string;
  /** What workerd wrote to stderr so far. */
  stderr(): string;
  stop(): Promise<void>;
}

const capnpText = (value: string) => JSON.stringify(value);

function config(bindings: Readonly<Record<string, string>>): string {
  const texts = Object.entries(bindings).map(
    ([name, value]) => `(name = ${capnpText(name)}, text = ${capnpText(value)})`,
  );
  return `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [
    (name = "main", worker = .worker),
    (name = "loopback", network = (allow = ["local"])),
  ],
  sockets = [(name = "http", address = "127.0.0.1:0", http = (), service = "main")],
);
const worker :Workerd.Worker = (
  modules = [(name = "worker.js", esModule = embed "worker.js")],
  compatibilityDate = ${capnpText(COMPATIBILITY_DATE)},
  bindings = [${texts.join(", ")}],
  globalOutbound = "loopback",
);
`;
}

/** The port workerd reports for its socket, or an error with its stderr when it exits first. */
async function listeningPort(child: ChildProcess, stderr: () => string): Promise<number> {
  const lines = createInterface({ input: child.stdio[3] as Readable });
  const exited = once(child, "exit").then(([code]) => {
    throw new Error(`workerd exited (${code}) before listening:\n${stderr()}`);
  });
  const listening = (async () => {
    for await (const line of lines) {
      const event = JSON.parse(line) as { event?: string; port?: number };
      if (event.event === "listen" && typeof event.port === "number") return event.port;
    }
    throw new Error(`workerd closed its control fd before listening:\n${stderr()}`);
  })();
  return Promise.race([listening, exited]);
}

/** Serves `bundle` with `bindings` (text variables on the Worker's `env`) under workerd. */
export async function startWorker(
  bundle: WorkerBundle,
  bindings: Readonly<Record<string, string>> = {},
): Promise<RunningWorker> {
  const dir = mkdtempSync(join(tmpdir(), "posse-workerd-"));
  writeFileSync(join(dir, "worker.js"), bundle.code);
  writeFileSync(join(dir, "config.capnp"), config(bindings));
  const child = spawn(WORKERD, ["serve", "config.capnp", "--control-fd=3"], {
    cwd: dir,
    stdio: ["ignore", "ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
    stderr += chunk;
  });
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGTERM");
      await once(child, "exit");
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const port = await listeningPort(child, () => stderr);
    return { url: `http://127.0.0.1:${port}`, stderr: () => stderr, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

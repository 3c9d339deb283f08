// Every package as a user gets it from npm: packed with pnpm, checked with publint and
// @arethetypeswrong/cli, installed with npm into an app outside the workspace, then imported as ESM and
// CommonJS, type-checked under node16, nodenext and bundler resolution, and used to send through a loopback
// SMTP server and the memory provider; every ```ts block of the READMEs and docs type-checked there. Prints
// each package's installed size.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { publint } from "publint";
import { formatMessage } from "publint/utils";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { documentPaths, readDocument } from "./documents.js";
import { withoutMswStorageWarning } from "./msw-warning.js";
import { packAll } from "./pack.js";
import { cleanEnv, run } from "./run.js";
import {
  createScratchDir,
  installedSize,
  installTarballs,
  TYPE_MODES,
  typeCheck,
  writeAppFiles,
} from "./scratch-app.js";
import { type SmtpSink, startSmtpSink } from "./smtp-sink.js";
import { tsSnippets, typeCheckSnippets } from "./snippets.js";
import { HARNESS_MANIFEST, packagesToCheck, ROOT } from "./workspace-packages.js";

const PACKAGES = packagesToCheck();
const SPECIFIERS = PACKAGES.flatMap((entry) => entry.specifiers);
const REQUIRABLE = PACKAGES.flatMap((entry) => entry.requirable);
const ATTW = join(ROOT, "node_modules", ".bin", "attw");

let packDir: string;
let appDir: string;
let tarballs: Map<string, string>;
let sink: SmtpSink;

beforeAll(async () => {
  packDir = mkdtempSync(join(tmpdir(), "posse-packed-"));
  appDir = createScratchDir();
  sink = await startSmtpSink();
  tarballs = await packAll(PACKAGES, packDir);
  await installTarballs(appDir, [...tarballs.values()]);
  writeAppFiles(appDir, SPECIFIERS, REQUIRABLE);
});

afterAll(async () => {
  await sink?.close();
  // KEEP_SCRATCH_APP=1 keeps the tarballs and the app for a look after a failure.
  if (process.env.KEEP_SCRATCH_APP) console.log(`kept ${packDir} and ${appDir}`);
  else for (const dir of [packDir, appDir]) if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Runs a script of the scratch app with only the variables it needs (none inherited from CI). */
function node(script: string, args: readonly string[] = [], env: Record<string, string> = {}) {
  return run(process.execPath, [script, ...args], {
    cwd: appDir,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? appDir, ...env },
  });
}

describe("the packages a user installs", () => {
  it("includes the core, the providers and the queue, each a devDependency here so turbo builds it first", () => {
    const names = PACKAGES.map((entry) => entry.manifest.name);
    expect(names).toEqual(
      expect.arrayContaining(["@posse/mail-core", "@posse/mail-smtp", "@posse/mail-queue"]),
    );
    for (const name of names) expect(HARNESS_MANIFEST.devDependencies?.[name], name).toBe("workspace:*");
  });

  it.each(PACKAGES.map((entry) => [entry.manifest.name]))("%s: publint finds nothing", async (name) => {
    const tarball = readFileSync(tarballs.get(name)!);
    const { messages, pkg } = await publint({
      pack: { tarball: tarball.buffer.slice(tarball.byteOffset, tarball.byteOffset + tarball.byteLength) },
      level: "suggestion",
      strict: true,
    });
    expect(messages.map((message) => `${message.type}: ${formatMessage(message, pkg)}`).join("\n")).toBe("");
  });

  // attw and tsc are CPU-bound child processes: run a few at once.
  it.concurrent.each(PACKAGES.map((entry) => [entry.manifest.name, entry.requirable.length > 0] as const))(
    "%s: are-the-types-wrong finds nothing (node16 CJS and ESM, bundler)",
    async (name, dual) => {
      // node10 (moduleResolution "node") cannot see subpath exports, and the packages need Node 20 anyway.
      // An ESM-only package (no require condition) is checked as one: its CJS resolution is no promise.
      const profile = dual ? "node16" : "esm-only";
      const result = await run(ATTW, [tarballs.get(name)!, "--profile", profile, "--format", "ascii"], {
        cwd: packDir,
        env: cleanEnv({ NO_COLOR: "1" }),
      });
      expect({ code: result.code, stderr: result.stderr }, result.stdout).toEqual({ code: 0, stderr: "" });
    },
  );

  it("every export loads with import, and with require where it has a require condition, with the same names", async () => {
    const esm = await node("imports.mjs", [JSON.stringify(SPECIFIERS)]);
    const cjs = await node("requires.cjs", [JSON.stringify(REQUIRABLE)]);
    // The testkit loads msw, which warns on Node 25+ (see msw-warning.ts).
    expect({ code: esm.code, stderr: withoutMswStorageWarning(esm.stderr) }).toEqual({ code: 0, stderr: "" });
    expect({ code: cjs.code, stderr: withoutMswStorageWarning(cjs.stderr) }).toEqual({ code: 0, stderr: "" });
    const imported = JSON.parse(esm.stdout) as Record<string, string[]>;
    const required = JSON.parse(cjs.stdout) as Record<string, string[]>;
    expect(Object.keys(imported)).toEqual(SPECIFIERS);
    expect(Object.keys(required)).toEqual(REQUIRABLE);
    for (const specifier of SPECIFIERS) expect(imported[specifier]!.length, specifier).toBeGreaterThan(0);
    for (const specifier of REQUIRABLE) expect(required[specifier], specifier).toEqual(imported[specifier]);
  });

  it.concurrent.each(Object.keys(TYPE_MODES) as (keyof typeof TYPE_MODES)[])(
    "type-checks with moduleResolution %s",
    async (mode) => {
      const result = await typeCheck(appDir, mode);
      expect({ code: result.code, stderr: result.stderr }, result.stdout).toEqual({ code: 0, stderr: "" });
    },
  );

  it.each(["esm", "cjs"])(
    "sends from %s through a loopback SMTP server (env-configured) and the memory provider",
    async (kind) => {
      const result = await node(`send.${kind === "esm" ? "mjs" : "cjs"}`, [], {
        MAIL_PROVIDER: "smtp",
        MAIL_FROM_ADDRESS: "App <app@example.com>",
        SMTP_HOST: "127.0.0.1",
        SMTP_PORT: String(sink.port),
        SMTP_ENABLE_STARTTLS: "false",
      });
      expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: "" });
      const sent = JSON.parse(result.stdout) as {
        smtp: { provider: string; messageId: string };
        memory: { provider: string; messageId: string };
        kept: string[];
      };
      expect(sent.smtp.provider).toBe("smtp");
      expect(sent.memory).toEqual({ provider: "memory", messageId: "memory-1" });
      expect(sent.kept).toEqual([`memory (${kind})`]);
      const received = sink.received.find((message) =>
        message.raw.includes(`Subject: packaging check (${kind})`),
      );
      expect(received, "the SMTP server got the message").toBeDefined();
      expect(received!.mailFrom).toBe("app@example.com");
      expect(received!.rcptTo).toEqual(["ann@example.com"]);
      expect(received!.raw).toContain(sent.smtp.messageId);
    },
  );

  it("a stranger's provider from its tarball: detected from its variable, selected by MAIL_PROVIDER, sends", async () => {
    // A SparkPost stand-in on loopback: answers a transmission as SparkPost does and records what arrived.
    const seen: { path: string; authorization: string | undefined; body: string }[] = [];
    const vendor = createServer((request, response) => {
      let body = "";
      request.on("data", (chunk: Buffer) => (body += chunk.toString("utf8")));
      request.on("end", () => {
        seen.push({ path: request.url ?? "", authorization: request.headers.authorization, body });
        response.writeHead(200, { "content-type": "application/json" });
        response.end('{"results":{"total_rejected_recipients":0,"total_accepted_recipients":1,"id":"7001"}}');
      });
    });
    await new Promise<void>((resolve) => vendor.listen(0, "127.0.0.1", resolve));
    const { port } = vendor.address() as AddressInfo;
    writeFileSync(
      join(appDir, "sparkpost.mjs"),
      `import { createMailerFromEnv, resolveMailProvider } from "@posse/mail-core";
import "@posse-examples/mail-sparkpost";
const detected = resolveMailProvider({ ...process.env, MAIL_PROVIDER: "" });
const mailer = await createMailerFromEnv({ config: { sparkpost: { endpoint: process.env.STUB_URL } } });
const receipt = await mailer.send({ to: "ann@example.com", subject: "From a stranger's provider", text: "Hi" });
await mailer.close();
console.log(JSON.stringify({ detected: detected?.id, configured: detected?.configured, receipt }));
`,
    );
    try {
      const result = await node("sparkpost.mjs", [], {
        MAIL_PROVIDER: "sparkpost",
        MAIL_FROM_ADDRESS: "App <app@example.com>",
        SPARKPOST_API_KEY: "sp-test-key-0123456789",
        STUB_URL: `http://127.0.0.1:${port}/api/v1`,
      });
      expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: "" });
      expect(JSON.parse(result.stdout)).toEqual({
        detected: "sparkpost",
        configured: true,
        receipt: { provider: "sparkpost", messageId: "7001" },
      });
      expect(seen).toHaveLength(1);
      expect(seen[0]!.path).toBe("/api/v1/transmissions");
      expect(seen[0]!.authorization).toBe("sp-test-key-0123456789");
      expect(JSON.parse(seen[0]!.body).content.subject).toBe("From a stranger's provider");
    } finally {
      await new Promise((resolve) => vendor.close(resolve));
    }
  });

  it("every ```ts block of the READMEs and docs type-checks against the installed packages", async () => {
    const { checked, skipped } = tsSnippets(documentPaths().map((path) => readDocument(path)));
    expect(checked.length).toBeGreaterThan(0);
    // Leaving a block out takes a reason: <!-- not-checked: why --> on the line above its fence.
    expect(skipped.filter((block) => block.reason === "")).toEqual([]);
    const errors = await typeCheckSnippets(appDir, checked);
    const documents = new Set(checked.map((snippet) => snippet.document)).size;
    const notChecked = skipped.map(
      (block) => `\n  not checked: ${block.document}:${block.line} (${block.reason})`,
    );
    console.log(
      `Type-checked ${checked.length} \`\`\`ts blocks of ${documents} documents${notChecked.join("")}`,
    );
    expect(errors.join("\n")).toBe("");
  });

  it("prints each package's installed size (its own files, not its dependencies)", () => {
    const kB = (bytes: number) => `${(bytes / 1024).toFixed(1).padStart(7)} kB`;
    const width = Math.max(...PACKAGES.map(({ manifest }) => manifest.name.length));
    const lines = PACKAGES.map(({ manifest }) => {
      const { bytes, files } = installedSize(appDir, manifest.name);
      const packed = readFileSync(tarballs.get(manifest.name)!).byteLength;
      expect(files, manifest.name).toBeGreaterThan(0);
      return `${manifest.name.padEnd(width)}  ${String(files).padStart(4)} files  ${kB(bytes)} installed  ${kB(packed)} packed`;
    });
    console.log(`Installed size of each package (npm, scratch app):\n${lines.join("\n")}`);
  });
});

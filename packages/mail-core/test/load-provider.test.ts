import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { cp, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import Module from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  createMailerFromEnv,
  isMailError,
  listProviders,
  type MailError,
  resolveMailProvider,
} from "../src/index.js";
import { registerProvider } from "../src/provider.js";
import { clearRegistry, fakeBuiltin } from "./support/provider-fakes.js";

// Fixture packages import the built core's provider entry by file URL, as an installed provider imports its
// peer: a second copy of the core, sharing the registry through globalThis.
const CORE_ESM = new URL("../dist/provider.js", import.meta.url).href;
const CORE_CJS = fileURLToPath(new URL("../dist/provider.cjs", import.meta.url));
const FROM = "App <app@example.com>";

interface FixtureSend {
  readonly provider: string;
  readonly to: string;
  readonly config: Record<string, string | undefined>;
  readonly format: string;
}
const SENT = "__posseLoadProviderFixtureSent";
const sent = (): FixtureSend[] => ((globalThis as Record<string, unknown>)[SENT] as FixtureSend[]) ?? [];
const LOADED = "__posseLoadProviderFixtureLoaded";
const loaded = (): string[] => ((globalThis as Record<string, unknown>)[LOADED] as string[]) ?? [];

/** Source of a provider package entry that registers a fake `id` through the real core. */
function registeringModule(id: string, format: "esm" | "cjs"): string {
  const body = `
const entry = core.builtinProvider(${JSON.stringify(id)});
(globalThis[${JSON.stringify(LOADED)}] ??= []).push(${JSON.stringify(`${id}:${format}`)});
core.registerProvider(core.defineProvider({
  id: entry.id,
  label: entry.label,
  env: entry.env,
  ...(entry.detectWith ? { detectWith: entry.detectWith } : {}),
  configFromEnv: (values) => ({ ...values }),
  create: (config) => ({
    async send(message) {
      (globalThis[${JSON.stringify(SENT)}] ??= []).push({
        provider: entry.id, to: message.to[0].address, config, format: ${JSON.stringify(format)},
      });
      return { messageId: "fixture-" + entry.id };
    },
    async verify() {},
  }),
}));
`;
  return format === "esm"
    ? `import * as core from ${JSON.stringify(CORE_ESM)};\n${body}`
    : `const core = require(${JSON.stringify(CORE_CJS)});\n${body}`;
}

const packageName = (id: string) => `@posse/mail-${id.replace(/_/g, "-")}`;

let directories: string[] = [];

async function tempDir(): Promise<string> {
  const directory = await mkdtemp(join(tmpdir(), "posse-load-provider-"));
  directories.push(directory);
  return directory;
}

/** An app directory with `node_modules/@posse/mail-<id>` holding the given files. */
async function appWith(
  id: string,
  files: Record<string, string>,
  manifest: Record<string, unknown> = { main: "index.mjs" },
): Promise<string> {
  const app = await tempDir();
  const root = join(app, "node_modules", ...packageName(id).split("/"));
  await mkdir(root, { recursive: true });
  await writeFile(
    join(root, "package.json"),
    JSON.stringify({ name: packageName(id), version: "0.0.0-fixture", type: "module", ...manifest }),
  );
  for (const [name, source] of Object.entries(files)) await writeFile(join(root, name), source);
  return app;
}

const appWithProvider = (id: string) => appWith(id, { "index.mjs": registeringModule(id, "esm") });

async function rejection(promise: Promise<unknown>): Promise<MailError> {
  const error = await promise.then(
    () => {
      throw new Error("expected a MailError, but the promise resolved");
    },
    (caught: unknown) => caught,
  );
  expect(isMailError(error)).toBe(true);
  return error as MailError;
}

// pnpm's bin shims (`npx vitest`) put the workspace's hoisted store on NODE_PATH, and the real provider
// packages live there; these tests must find packages only in their fixture directories.
const savedNodePath = process.env.NODE_PATH;
const initPaths = () => (Module as unknown as { _initPaths(): void })._initPaths();
beforeAll(() => {
  delete process.env.NODE_PATH;
  initPaths();
});
afterAll(() => {
  if (savedNodePath !== undefined) process.env.NODE_PATH = savedNodePath;
  initPaths();
});

beforeEach(() => {
  clearRegistry();
  delete (globalThis as Record<string, unknown>)[SENT];
  delete (globalThis as Record<string, unknown>)[LOADED];
});

afterEach(async () => {
  clearRegistry();
  await Promise.all(directories.map((directory) => rm(directory, { recursive: true, force: true })));
  directories = [];
});

describe("loading a provider package on demand", () => {
  it("loads an installed but not imported @posse/mail-postmark, then sends through it", async () => {
    const app = await appWithProvider("postmark");
    expect(listProviders().find((provider) => provider.id === "postmark")?.registered).toBe(false);
    const mailer = await createMailerFromEnv({
      env: { MAIL_PROVIDER: "postmark", POSTMARK_API_TOKEN: " pm-token ", MAIL_FROM_ADDRESS: FROM },
      resolveFrom: [app],
    });
    expect(loaded()).toEqual(["postmark:esm"]);
    expect(listProviders().find((provider) => provider.id === "postmark")?.registered).toBe(true);
    await expect(mailer.send({ to: "ann@example.com", subject: "Hi", text: "x" })).resolves.toEqual({
      provider: "postmark",
      messageId: "fixture-postmark",
    });
    expect(sent()).toEqual([
      {
        provider: "postmark",
        to: "ann@example.com",
        config: { POSTMARK_API_TOKEN: "pm-token" },
        format: "esm",
      },
    ]);
  });

  it("loads a detected provider, mapping _ in its id to - in the package name", async () => {
    const app = await appWithProvider("amazon_ses");
    const mailer = await createMailerFromEnv({
      env: {
        AWS_SES_REGION: "eu-west-1",
        AWS_SES_ACCESS_KEY_ID: "AKIDEXAMPLE",
        AWS_SES_SECRET_ACCESS_KEY: "secret",
        MAIL_FROM_ADDRESS: FROM,
      },
      resolveFrom: [app],
    });
    expect(mailer.provider).toBe("amazon_ses");
    expect(loaded()).toEqual(["amazon_ses:esm"]);
  });

  it("tries each resolveFrom directory in turn", async () => {
    const empty = await tempDir();
    const app = await appWithProvider("resend");
    const mailer = await createMailerFromEnv({
      env: { RESEND_API_KEY: "re_1", MAIL_FROM_ADDRESS: FROM },
      resolveFrom: [join(empty, "does-not-exist"), empty, app],
    });
    expect(mailer.provider).toBe("resend");
  });

  it("loads every package of a failover chain", async () => {
    const app = await appWith("postmark", { "index.mjs": registeringModule("postmark", "esm") });
    const root = join(app, "node_modules", "@posse", "mail-brevo");
    await mkdir(root, { recursive: true });
    await writeFile(
      join(root, "package.json"),
      JSON.stringify({ name: "@posse/mail-brevo", main: "index.mjs" }),
    );
    await writeFile(join(root, "index.mjs"), registeringModule("brevo", "esm"));
    const mailer = await createMailerFromEnv({
      env: {
        MAIL_PROVIDER: "brevo,postmark",
        BREVO_API_KEY: "b",
        POSTMARK_API_TOKEN: "p",
        MAIL_FROM_ADDRESS: FROM,
      },
      resolveFrom: [app],
    });
    expect(mailer.providers).toEqual(["brevo", "postmark"]);
    expect(loaded()).toEqual(["brevo:esm", "postmark:esm"]);
  });

  it("loads a package that ships ESM and CommonJS entries, as the provider packages do", async () => {
    const app = await appWith(
      "sendgrid",
      {
        "index.mjs": registeringModule("sendgrid", "esm"),
        "index.cjs": registeringModule("sendgrid", "cjs"),
      },
      { exports: { ".": { import: "./index.mjs", require: "./index.cjs" } } },
    );
    const mailer = await createMailerFromEnv({
      env: { MAIL_PROVIDER: "sendgrid", SENDGRID_API_KEY: "SG.1", MAIL_FROM_ADDRESS: FROM },
      resolveFrom: [app],
    });
    await expect(mailer.send({ to: "ann@example.com", subject: "Hi", text: "x" })).resolves.toMatchObject({
      provider: "sendgrid",
    });
    expect(loaded()).toHaveLength(1);
  });

  it("uses a provider already registered instead of loading its package", async () => {
    const app = await appWith("postmark", { "index.mjs": 'throw new Error("must not be imported");' });
    registerProvider(fakeBuiltin("postmark"));
    const mailer = await createMailerFromEnv({
      env: { MAIL_PROVIDER: "postmark", POSTMARK_API_TOKEN: "p", MAIL_FROM_ADDRESS: FROM },
      resolveFrom: [app],
    });
    expect(mailer.provider).toBe("postmark");
  });

  it("resolveMailProvider only looks: it says the package is installed without importing it", async () => {
    const app = await appWithProvider("mailjet");
    const env = { MAILJET_API_KEY: "k", MAILJET_API_SECRET: "s", MAIL_FROM_ADDRESS: FROM };
    expect(resolveMailProvider(env, { resolveFrom: [app] })).toMatchObject({
      id: "mailjet",
      reason: "detected",
      configured: true,
    });
    expect(loaded()).toEqual([]);
    const mailer = await createMailerFromEnv({ env, resolveFrom: [app] });
    expect(mailer.provider).toBe("mailjet");
    expect(loaded()).toEqual(["mailjet:esm"]);
  });
});

// Each test here starts a Node process that loads the built core: 0.1 s on an idle machine, 7.6 s seen on a busy
// 2-core one, where vitest's 5 s default failed it. Nothing here asserts on time.
describe("by default, provider packages are found from the app's entry module, never the working directory", {
  timeout: 30_000,
}, () => {
  const CORE_ROOT = fileURLToPath(new URL("..", import.meta.url));

  /**
   * root/app: main.mjs with @posse/mail-core (and maybe @posse/mail-postmark) installed beside it;
   * root/planted: a node_modules whose @posse/mail-postmark writes root/planted-ran when executed.
   */
  async function layout(withProvider: boolean): Promise<string> {
    const root = await tempDir();
    const modules = join(root, "app", "node_modules", "@posse");
    await cp(join(CORE_ROOT, "dist"), join(modules, "mail-core", "dist"), { recursive: true });
    await cp(join(CORE_ROOT, "package.json"), join(modules, "mail-core", "package.json"));
    const provider = (marker: string) => `
import * as core from "@posse/mail-core/provider";
${marker}
const entry = core.builtinProvider("postmark");
core.registerProvider(core.defineProvider({
  ...entry,
  configFromEnv: () => ({}),
  create: () => ({ async send() { return { messageId: "from-the-app" }; }, async verify() {} }),
}));`;
    const write = async (directory: string, source: string) => {
      await mkdir(directory, { recursive: true });
      await writeFile(
        join(directory, "package.json"),
        JSON.stringify({ name: "@posse/mail-postmark", type: "module", main: "index.mjs" }),
      );
      await writeFile(join(directory, "index.mjs"), source);
    };
    if (withProvider) await write(join(modules, "mail-postmark"), provider(""));
    await write(
      join(root, "planted", "node_modules", "@posse", "mail-postmark"),
      provider(
        `(await import("node:fs")).writeFileSync(${JSON.stringify(join(root, "planted-ran"))}, "ran");`,
      ),
    );
    await writeFile(
      join(root, "app", "main.mjs"),
      `
import { createMailerFromEnv, getRegisteredProvider, resolveMailProvider } from "@posse/mail-core";
const env = { MAIL_PROVIDER: "postmark", POSTMARK_API_TOKEN: "p", MAIL_FROM_ADDRESS: "app@example.com" };
const resolution = resolveMailProvider(env);
const loadedByResolve = getRegisteredProvider("postmark") !== undefined;
let result;
try {
  const mailer = await createMailerFromEnv({ env });
  result = await mailer.send({ to: "ann@example.com", subject: "s", text: "t" });
} catch (error) {
  result = { code: error.code, message: error.message };
}
process.stdout.write(JSON.stringify({ configured: resolution.configured, problems: resolution.problems, loadedByResolve, result }));
`,
    );
    return root;
  }

  async function runApp(root: string) {
    const env = { ...process.env };
    delete env.NODE_PATH;
    const { stdout } = await promisify(execFile)(process.execPath, [join(root, "app", "main.mjs")], {
      cwd: join(root, "planted"),
      env,
    });
    return JSON.parse(stdout);
  }

  it("loads the app's own provider package and leaves a planted one in the working directory alone", async () => {
    const root = await layout(true);
    expect(await runApp(root)).toEqual({
      configured: true,
      problems: [],
      loadedByResolve: false,
      result: { provider: "postmark", messageId: "from-the-app" },
    });
    expect(existsSync(join(root, "planted-ran"))).toBe(false);
  });

  it("says the package is not installed rather than run one planted in the working directory", async () => {
    const root = await layout(false);
    const problem = "@posse/mail-postmark is not installed: run `npm install @posse/mail-postmark`";
    expect(await runApp(root)).toEqual({
      configured: false,
      problems: [{ provider: "postmark", problem }],
      loadedByResolve: false,
      result: { code: "CONFIG", message: `MAIL_PROVIDER=postmark: ${problem}` },
    });
    expect(existsSync(join(root, "planted-ran"))).toBe(false);
  });
});

describe("CONFIG errors when a provider package cannot be used", () => {
  it.each(["postmark", "amazon_ses", "smtp"])(
    "says which package to install when %s is not installed",
    async (id) => {
      const empty = await tempDir();
      const env: Record<string, string> = {
        MAIL_PROVIDER: id,
        POSTMARK_API_TOKEN: "p",
        AWS_SES_REGION: "us-east-1",
        SMTP_HOST: "smtp.example.com",
        MAIL_FROM_ADDRESS: FROM,
      };
      const error = await rejection(createMailerFromEnv({ env, resolveFrom: [empty] }));
      expect(error.code).toBe("CONFIG");
      expect(error.provider).toBe(id);
      expect(error.message).toContain(`npm install ${packageName(id)}`);
    },
  );

  it("says a package failed to load when it throws at import, keeping the cause", async () => {
    const app = await appWith("postmark", { "index.mjs": 'throw new Error("fixture exploded at import");' });
    const error = await rejection(
      createMailerFromEnv({
        env: { MAIL_PROVIDER: "postmark", POSTMARK_API_TOKEN: "p", MAIL_FROM_ADDRESS: FROM },
        resolveFrom: [app],
      }),
    );
    expect(error.code).toBe("CONFIG");
    expect(error.provider).toBe("postmark");
    expect(error.message).toContain("@posse/mail-postmark");
    expect(error.message).toContain("failed to load");
    expect((error.cause as Error).message).toBe("fixture exploded at import");
  });

  it("says a package failed to load (not that it is missing) when one of its own dependencies is missing", async () => {
    const app = await appWith("postmark", { "index.mjs": 'import "posse-fixture-missing-dependency";' });
    const error = await rejection(
      createMailerFromEnv({
        env: { MAIL_PROVIDER: "postmark", POSTMARK_API_TOKEN: "p", MAIL_FROM_ADDRESS: FROM },
        resolveFrom: [app],
      }),
    );
    expect(error.code).toBe("CONFIG");
    expect(error.message).toContain("failed to load");
    expect(error.message).not.toContain("npm install");
    expect(String((error.cause as Error).message)).toContain("posse-fixture-missing-dependency");
  });

  it("says a package that loads but registers nothing does not match this core", async () => {
    const app = await appWith("postmark", { "index.mjs": "export const nothing = true;" });
    const error = await rejection(
      createMailerFromEnv({
        env: { MAIL_PROVIDER: "postmark", POSTMARK_API_TOKEN: "p", MAIL_FROM_ADDRESS: FROM },
        resolveFrom: [app],
      }),
    );
    expect(error.code).toBe("CONFIG");
    expect(error.message).toContain("@posse/mail-postmark");
    expect(error.message).toContain("did not register postmark");
    expect(error.message).not.toContain("not installed");
  });

  it("does not try to load anything for a name that is not a provider", async () => {
    const app = await appWith("mailchimp", { "index.mjs": registeringModule("postmark", "esm") });
    const error = await rejection(
      createMailerFromEnv({
        env: { MAIL_PROVIDER: "mailchimp", MAIL_FROM_ADDRESS: FROM },
        resolveFrom: [app],
      }),
    );
    expect(error.code).toBe("CONFIG");
    expect(error.message).toContain("known providers");
    expect(loaded()).toEqual([]);
  });
});

import { execFile } from "node:child_process";
import { pathToFileURL } from "node:url";

/** What a send in a child process ended with: the receipt, or the error's code and flags. */
export interface ChildSendResult {
  readonly receipt?: { provider: string; messageId: string };
  readonly error?: { code: string; outcomeUnknown: boolean; message: string };
}

// The child builds a mailer over the provider the entry exports and sends one message whose text is argv.
const SEND_CHILD = `
const [entry, providerId, configJson, text] = process.argv.slice(1);
const { createMailer } = await import("@posse/mail-core");
const mod = await import(entry);
const definition = Object.values(mod).find((value) => value && value.id === providerId);
const mailer = await createMailer({
  from: "Possy <possy@posseparty.example>",
  providers: { definition, config: JSON.parse(configJson) },
  retry: { attempts: 1 },
  timeoutMs: 10000,
});
try {
  const receipt = await mailer.send({ to: "ann@example.com", subject: "Hello", text });
  process.stdout.write(JSON.stringify({ receipt }));
} catch (error) {
  process.stdout.write(JSON.stringify({ error: { code: error.code, outcomeUnknown: error.outcomeUnknown, message: error.message } }));
}
`;

const PROXY_VARIABLES = /^(https?_proxy|all_proxy|no_proxy|npm_config_(https?_)?proxy|npm_config_noproxy)$/i;

/**
 * Sends one message (text `text`) through a built provider package in a fresh Node process, with `env`
 * added to an environment cleared of every proxy variable. `cwd` must resolve `@posse/mail-core`.
 */
export function sendInChildProcess(options: {
  readonly entry: string;
  readonly providerId: string;
  readonly config: unknown;
  readonly text: string;
  readonly cwd: string;
  readonly env: Readonly<Record<string, string>>;
}): Promise<ChildSendResult> {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !PROXY_VARIABLES.test(name)));
  const args = [
    "--input-type=module",
    "-e",
    SEND_CHILD,
    pathToFileURL(options.entry).href,
    options.providerId,
    JSON.stringify(options.config),
    options.text,
  ];
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      args,
      { cwd: options.cwd, env: { ...env, ...options.env }, timeout: 30_000 },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`child failed: ${error.message}\n${stderr}`));
        else resolve(JSON.parse(stdout) as ChildSendResult);
      },
    );
  });
}

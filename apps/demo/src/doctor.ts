import {
  BUILTIN_PROVIDERS,
  type CreateMailerFromEnvOptions,
  createMailerFromEnv,
  detectionVariables,
  type EnvSource,
  type EnvVar,
  envValue,
  formatAddress,
  fromAddressFromEnv,
  isDetected,
  isMailError,
  listProviders,
  type MailProviderResolution,
  missingVariables,
  type ProviderInfo,
  resolveMailProvider,
} from "@posse/mail-core";
import { step, type TextOutput, writeLine } from "./output.js";
import { reportError } from "./report-error.js";

/** Options of {@link doctor}. */
export interface DoctorOptions {
  /** Variables to inspect; usually `process.env`. */
  readonly env: EnvSource;
  /** Where the report goes. */
  readonly out: TextOutput;
  /** Where errors go; default `out`. */
  readonly err?: TextOutput;
  /** Print stack traces of errors. */
  readonly verbose?: boolean;
  /** Passed to `createMailerFromEnv` for the verify step (endpoint overrides in tests, …). */
  readonly mailer?: Omit<CreateMailerFromEnvOptions, "env">;
}

/** One row of the provider table. */
export interface ProviderStatus {
  readonly id: string;
  readonly label: string;
  /** `chosen`, `failover`, `configured` (not chosen), `incomplete` (some variables set) or `no`. */
  readonly status: "chosen" | "failover" | "configured" | "incomplete" | "no";
  /** Each variable as `NAME set`, `NAME=value` (non-secret), `NAME missing` or `NAME unset`. */
  readonly variables: readonly string[];
  /** Variables still needed to use it, when incomplete. */
  readonly needs: readonly string[];
  readonly thirdParty: boolean;
}

function describeVariable(variable: EnvVar, env: EnvSource): string {
  const value = envValue(env, variable.name);
  if (value !== undefined) return variable.secret ? `${variable.name} set` : `${variable.name}=${value}`;
  if (variable.required) return `${variable.name} missing`;
  return variable.default !== undefined
    ? `${variable.name} unset (default ${variable.default})`
    : `${variable.name} unset`;
}

/** The provider table's rows: every first-party provider and every registered third-party one. */
export function providerStatuses(
  env: EnvSource,
  resolution: MailProviderResolution | undefined = resolveMailProvider(env),
): ProviderStatus[] {
  const builtinIds = new Set(BUILTIN_PROVIDERS.map((provider) => provider.id));
  return listProviders().map((provider: ProviderInfo) => {
    const chainIndex = resolution?.chain.indexOf(provider.id) ?? -1;
    const missing = missingVariables(provider, env);
    const anySet = provider.env.some((variable) => envValue(env, variable.name) !== undefined);
    let status: ProviderStatus["status"];
    let needs: string[] = [];
    if (chainIndex >= 0 && missing.length === 0) status = chainIndex === 0 ? "chosen" : "failover";
    else if (chainIndex >= 0) {
      status = "incomplete";
      needs = missing;
    } else if (isDetected(provider, env)) status = "configured";
    else if (anySet) {
      status = "incomplete";
      needs = detectionVariables(provider).filter((name) => envValue(env, name) === undefined);
    } else status = "no";
    return {
      id: provider.id,
      label: provider.label,
      status,
      variables: provider.env.map((variable) => describeVariable(variable, env)),
      needs,
      thirdParty: !builtinIds.has(provider.id),
    };
  });
}

function table(rows: readonly (readonly string[])[]): string[] {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows.map((row) =>
    row
      .map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column]!)))
      .join("  ")
      .trimEnd(),
  );
}

const STATUS_TEXT: Record<ProviderStatus["status"], string> = {
  chosen: "yes, chosen",
  failover: "yes, failover",
  configured: "yes, not used",
  incomplete: "incomplete",
  no: "no",
};

/** Why the resolution chose what it chose, in one sentence. */
function explainChoice(resolution: MailProviderResolution, statuses: readonly ProviderStatus[]): string {
  if (resolution.reason === "explicit") {
    const failover = resolution.chain.length > 1 ? `, failing over in that order` : "";
    return `${resolution.chain.join(", ")}: MAIL_PROVIDER=${resolution.chain.join(",")} names it${failover}`;
  }
  const provider = listProviders().find((candidate) => candidate.id === resolution.id)!;
  const others = statuses
    .filter((s) => s.status === "configured" && !resolution.passedOver.some((p) => p.id === s.id))
    .map((s) => s.id);
  const skipped = resolution.passedOver.map((p) => p.id);
  const passed = skipped.length > 0 ? ` and can be loaded (passed over: ${skipped.join(", ")})` : "";
  const also =
    others.length > 0
      ? `; also configured but not used: ${others.join(", ")} (set MAIL_PROVIDER to choose one)`
      : "";
  return `${resolution.id}: MAIL_PROVIDER is blank and it is the first provider in the order above whose variables (${detectionVariables(provider).join(", ")}) are all set${passed}${also}`;
}

/**
 * Prints which providers are configured, which variables are set or missing (never a secret's value),
 * which provider would be chosen and why, then verifies the chosen one. Returns the exit code: 0 when the
 * chosen provider verified, 1 when nothing is usable or verification failed.
 */
export async function doctor(options: DoctorOptions): Promise<number> {
  const { env, out } = options;
  const err = options.err ?? out;
  const resolveFrom = options.mailer?.resolveFrom;
  const resolution = resolveMailProvider(env, resolveFrom ? { resolveFrom } : {});
  const statuses = providerStatuses(env, resolution);

  writeLine(out, "posse-mail doctor");
  writeLine(out);
  let from: string;
  try {
    from = formatAddress(fromAddressFromEnv(env));
  } catch (error) {
    from = isMailError(error) ? error.message : String(error);
  }
  const providerSetting = envValue(env, "MAIL_PROVIDER");
  writeLine(out, `MAIL_FROM_ADDRESS  ${from}`);
  writeLine(
    out,
    `MAIL_PROVIDER      ${providerSetting ?? "(blank: the first configured provider, in the order below, is chosen)"}`,
  );
  writeLine(out);
  const rows = [["PROVIDER", "NAME", "CONFIGURED", "VARIABLES"]];
  for (const row of statuses) {
    const label = row.thirdParty ? `${row.label} (third-party)` : row.label;
    rows.push([row.id, label, STATUS_TEXT[row.status], row.variables.join(", ") || "(none)"]);
  }
  for (const line of table(rows)) writeLine(out, line);
  writeLine(out);
  for (const row of statuses.filter((s) => s.status === "incomplete")) {
    writeLine(out, `Incomplete: ${row.id} needs ${row.needs.join(", ")} to be set.`);
  }
  for (const skipped of resolution?.passedOver ?? []) {
    writeLine(out, `Passed over: ${skipped.id} is configured, but ${skipped.problem}.`);
  }

  if (!resolution) {
    writeLine(out, "Chosen: nothing. MAIL_PROVIDER is blank and no provider has all its variables set.");
    writeLine(
      out,
      "Not usable: set the variables of one provider (see the table), e.g. RESEND_API_KEY; `demo` without any sends to its local inbox instead.",
    );
    return 1;
  }
  if (!resolution.configured) {
    const how =
      resolution.reason === "explicit"
        ? `MAIL_PROVIDER=${resolution.chain.join(",")}`
        : `detected from ${resolution.detectedFrom.join(", ")}; MAIL_PROVIDER is blank`;
    writeLine(out, `Chosen: ${resolution.chain.join(", ")} (${how})`);
    const problems = resolution.problems.map((p) =>
      resolution.chain.length > 1 && p.provider ? `${p.provider}: ${p.problem}` : p.problem,
    );
    writeLine(out, `Not usable: ${problems.join("; ")}.`);
    return 1;
  }
  writeLine(out, `Chosen: ${explainChoice(resolution, statuses)}.`);

  try {
    await step(
      out,
      `Verifying ${resolution.chain.join(", ")}`,
      async () => {
        const mailer = await createMailerFromEnv({ timeoutMs: 15_000, ...options.mailer, env });
        try {
          await mailer.verify();
        } finally {
          await mailer.close();
        }
      },
      () => "ok: credentials accepted and the service is reachable",
    );
  } catch (error) {
    reportError(error, err, { verbose: options.verbose ?? false });
    return 1;
  }
  return 0;
}

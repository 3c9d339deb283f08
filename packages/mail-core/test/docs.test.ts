import { existsSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { BUILTIN_PROVIDERS, detectionVariables } from "../src/index.js";

const rootReadme = readFileSync(new URL("../../../README.md", import.meta.url), "utf8");
const configurationGuide = readFileSync(new URL("../../../docs/configuration.md", import.meta.url), "utf8");

/** The lines of the guide's provider table: from its `| Provider (…` header to the first line that is no row. */
function providerTable(): string[] {
  const lines = configurationGuide.split("\n");
  const start = lines.findIndex((line) => line.startsWith("| Provider (`MAIL_PROVIDER`)"));
  expect(start, "no provider table in docs/configuration.md").toBeGreaterThanOrEqual(0);
  const end = lines.findIndex((line, index) => index > start && !line.startsWith("|"));
  return lines.slice(start, end < 0 ? undefined : end);
}

/** The cells of the configuration guide's provider table row for `id`. */
function tableRow(id: string): string[] {
  const line = providerTable().find((row) => row.startsWith(`| \`${id}\``));
  expect(line, `no row for \`${id}\` in the configuration guide's provider table`).toBeDefined();
  return line!
    .split("|")
    .slice(1, -1)
    .map((cell) => cell.trim());
}

describe("the configuration guide's provider table (docs/configuration.md)", () => {
  it("has a row per first-party provider, in detection order", () => {
    const ids = providerTable()
      .map((row) => /^\| `([a-z_]+)` +\|/.exec(row)?.[1])
      .filter((id): id is string => id !== undefined);
    expect(ids).toEqual(BUILTIN_PROVIDERS.map((provider) => provider.id));
  });

  it.each(BUILTIN_PROVIDERS.map((provider) => [provider.id, provider] as const))(
    "lists %s's package and every variable it reads, required ones in bold",
    (id, provider) => {
      const [, packageCell, variablesCell] = tableRow(id);
      expect(packageCell).toBe(`\`${provider.packageName}\``);
      for (const variable of provider.env) {
        const bold = `**\`${variable.name}\`**`;
        if (variable.required) expect(variablesCell).toContain(bold);
        else {
          expect(variablesCell).toContain(`\`${variable.name}\``);
          expect(variablesCell).not.toContain(bold);
        }
        if (variable.default !== undefined) expect(variablesCell).toContain(variable.default);
      }
      const listed = [...variablesCell!.matchAll(/`([A-Z][A-Z0-9_]+)`/g)].map((match) => match[1]);
      expect(listed).toEqual(provider.env.map((variable) => variable.name));
    },
  );

  it.each(BUILTIN_PROVIDERS.map((provider) => [provider.id, detectionVariables(provider).length] as const))(
    "says when %s is detected",
    (id, count) => {
      const detectedCell = tableRow(id)[3]!;
      expect(detectedCell).not.toBe("");
      if (count > 1) expect(detectedCell).toMatch(/\+|both/);
    },
  );

  it("names the detection order and MAIL_FROM_ADDRESS", () => {
    const order = BUILTIN_PROVIDERS.map((provider) => `\`${provider.id}\``).join(", ");
    expect(configurationGuide.replace(/\s+/g, " ")).toContain(order);
    expect(configurationGuide).toContain("`MAIL_FROM_ADDRESS` is always required");
  });
});

describe("package documentation", () => {
  it("@posse/mail-core has a README, linked from the root README", () => {
    expect(existsSync(new URL("../README.md", import.meta.url))).toBe(true);
    expect(rootReadme).toContain("(packages/mail-core/README.md)");
  });

  it("the root README links the configuration guide that holds the provider table", () => {
    expect(rootReadme).toContain("(docs/configuration.md)");
  });
});

import { MailError } from "@posse/mail-core";
import type { MailJobInfo, MailQueue } from "./mail-queue.js";

/** What a command prints (each string a line) and its exit code. */
export interface CommandResult {
  readonly lines: readonly string[];
  readonly code: number;
}

/** How to call `posse-mail-queue`. */
export const USAGE = [
  "usage: posse-mail-queue dead-letters list [--json]",
  "       posse-mail-queue dead-letters show <job id>",
  "       posse-mail-queue dead-letters redrive <job id> | --code <CODE>",
  "       posse-mail-queue dead-letters remove <job id>",
  "The queue: MAIL_QUEUE_URL, MAIL_QUEUE_NAME, MAIL_QUEUE_PREFIX (as for posse-mail-worker).",
];

const MESSAGE_WIDTH = 60;

/** Dead letters as a table: id, code, provider, attempts and the start of the (redacted) error message. */
export function deadLetterTable(letters: readonly MailJobInfo[]): string[] {
  if (letters.length === 0) return ["no dead letters"];
  const rows = letters.map((letter) => {
    const text = letter.error?.message ?? "";
    const short = text.length > MESSAGE_WIDTH ? `${text.slice(0, MESSAGE_WIDTH - 1)}…` : text;
    return [
      letter.id,
      letter.error?.code ?? "",
      String(letter.error?.provider ?? ""),
      String(letter.attempts),
      short,
    ];
  });
  const all = [["ID", "CODE", "PROVIDER", "ATTEMPTS", "ERROR"], ...rows];
  const widths = all[0]!.map((_, column) => Math.max(...all.map((row) => row[column]!.length)));
  return all.map((row) =>
    row.map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column]!))).join("  "),
  );
}

async function allDeadLetters(queue: MailQueue): Promise<MailJobInfo[]> {
  return queue.deadLetters({ start: 0, end: -1 });
}

/** Runs `dead-letters <command> …` against `queue`. */
export async function deadLetterCommand(queue: MailQueue, args: readonly string[]): Promise<CommandResult> {
  const [command, first, second] = args;
  const usage = { lines: USAGE, code: 2 };
  switch (command) {
    case "list": {
      if (first !== undefined && first !== "--json") return usage;
      const letters = await allDeadLetters(queue);
      return { lines: first ? [JSON.stringify(letters)] : deadLetterTable(letters), code: 0 };
    }
    case "show": {
      if (first === undefined) return usage;
      const info = await queue.job(first);
      if (info?.state !== "dead-lettered")
        throw new MailError("CONFIG", "show takes the id of a dead letter");
      return { lines: [JSON.stringify(info, null, 2)], code: 0 };
    }
    case "redrive": {
      if (first === "--code" && second !== undefined) {
        const ids = (await allDeadLetters(queue))
          .filter((letter) => letter.error?.code === second)
          .map((letter) => letter.id);
        for (const id of ids) await queue.redrive(id);
        return { lines: [`redriven ${ids.length} dead letters with code ${second}`, ...ids], code: 0 };
      }
      if (first === undefined || first.startsWith("--")) return usage;
      await queue.redrive(first);
      return { lines: [`redriven ${first}`], code: 0 };
    }
    case "remove": {
      if (first === undefined) return usage;
      await queue.remove(first);
      return { lines: [`removed ${first}`], code: 0 };
    }
    default:
      return usage;
  }
}

import type { MailMessage } from "@posse/mail-core";
import { emailLayout, escapeHtml, formatUtc } from "./html.js";

/** The request that was being handled when the error happened. */
export interface RequestContext {
  readonly method: string;
  readonly url: string;
  readonly requestId: string;
  readonly user?: string;
  readonly userAgent?: string;
  readonly at: Date;
}

/** What an error report is about. */
export interface ErrorReportData {
  /** The application's name. */
  readonly appName: string;
  /** The failure. */
  readonly error: Error;
  /** Where it happened. */
  readonly request: RequestContext;
}

/** The error's class name, e.g. `TypeError` (a subclass's own name wins over a generic `name`). */
export function errorClass(error: Error): string {
  const constructorName = error.constructor?.name;
  return constructorName && constructorName !== "Error" ? constructorName : error.name;
}

/** The full trace: the stack, then every `cause` in turn. */
export function fullTrace(error: Error): string {
  const parts: string[] = [];
  const seen = new Set<unknown>();
  let current: unknown = error;
  while (current instanceof Error && !seen.has(current)) {
    seen.add(current);
    const stack = current.stack ?? `${errorClass(current)}: ${current.message}`;
    parts.push(parts.length === 0 ? stack : `Caused by: ${stack}`);
    current = current.cause;
  }
  return parts.join("\n");
}

function contextRows(request: RequestContext): [string, string][] {
  const rows: [string, string][] = [
    ["Request", `${request.method} ${request.url}`],
    ["Request id", request.requestId],
  ];
  if (request.user !== undefined) rows.push(["User", request.user]);
  if (request.userAgent !== undefined) rows.push(["User agent", request.userAgent]);
  rows.push(["Time", formatUtc(request.at)]);
  return rows;
}

/** An error report: class, message, full stack trace and request context; the trace is also attached. */
export function errorReportEmail(
  data: ErrorReportData,
): Pick<MailMessage, "subject" | "text" | "html" | "attachments"> {
  const type = errorClass(data.error);
  const { request } = data;
  const subject = `[${data.appName}] ${type} in ${request.method} ${request.url}`;
  const trace = fullTrace(data.error);
  const rows = contextRows(request);
  const filename = `stack-trace-${request.requestId.replace(/[^\w.-]/g, "_")}.txt`;
  const text = [
    `${type}: ${data.error.message}`,
    "",
    ...rows.map(([label, value]) => `${label}: ${value}`),
    "",
    "Stack trace:",
    trace,
    "",
    `The trace is attached as ${filename}.`,
  ].join("\n");
  const html = emailLayout(
    subject,
    `<h1 style="font-size:20px;margin:0 0 8px;color:#c92a2a">${escapeHtml(type)}</h1>
<p style="font-size:16px;margin:0 0 16px" data-testid="error-message">${escapeHtml(data.error.message)}</p>
<table style="border-collapse:collapse;font-size:14px;margin-bottom:16px">
${rows.map(([label, value]) => `<tr><th style="text-align:left;padding:2px 12px 2px 0;color:#6b7080;font-weight:500">${escapeHtml(label)}</th><td style="padding:2px 0">${escapeHtml(value)}</td></tr>`).join("\n")}
</table>
<h2 style="font-size:16px;margin:16px 0 8px">Stack trace</h2>
<pre style="background:#f4f4f7;padding:12px;border-radius:6px;overflow-x:auto;font-size:12px;white-space:pre-wrap">${escapeHtml(trace)}</pre>
<p style="color:#6b7080">The trace is attached as ${escapeHtml(filename)}.</p>`,
  );
  const attachment = `${type}: ${data.error.message}\n${rows.map(([l, v]) => `${l}: ${v}`).join("\n")}\n\n${trace}\n`;
  return {
    subject,
    text,
    html,
    attachments: [{ filename, content: attachment, contentType: "text/plain; charset=utf-8" }],
  };
}

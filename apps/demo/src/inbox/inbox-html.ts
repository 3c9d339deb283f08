import type { MailEvent } from "@posse/mail-core";
import type { AddressObject, EmailAddress } from "mailparser";
import { escapeHtml } from "../emails/html.js";
import { isSettled, type JobView } from "../queue/job-view.js";
import type { EventStore } from "../webhooks/event-store.js";
import type { InboxMessage } from "./smtp-inbox.js";

/**
 * Policy inside the message iframe: nothing may run or load from anywhere; images only from `data:`
 * (inline `cid:` parts are rewritten to `data:` URLs) and inline styles, as e-mail clients allow.
 */
export const MESSAGE_CSP =
  "default-src 'none'; img-src data: cid:; style-src 'unsafe-inline'; font-src data:; base-uri 'none'; form-action 'none'";

/** Policy of the inbox pages themselves (the iframe's `srcdoc` inherits it too). */
export const PAGE_CSP =
  "default-src 'none'; img-src data:; style-src 'unsafe-inline'; font-src data:; frame-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

const STYLE = `
body{margin:0;font:14px/1.45 system-ui,-apple-system,Segoe UI,sans-serif;color:#1f2330;background:#f4f4f7}
header{background:#1f2330;color:#fff;padding:12px 20px;display:flex;gap:16px;align-items:baseline}
header a{color:#fff;text-decoration:none;font-weight:600}
header span{color:#aab0c0;font-size:13px}
main{max-width:1100px;margin:0 auto;padding:20px}
table.list{width:100%;border-collapse:collapse;background:#fff;border-radius:8px;overflow:hidden}
table.list th,table.list td{padding:8px 12px;border-bottom:1px solid #e6e8ee;text-align:left;vertical-align:top}
table.list th{background:#fafbfc;font-weight:600;color:#6b7080}
table.list a{color:#3b5bdb;text-decoration:none;font-weight:600}
section{background:#fff;border-radius:8px;padding:16px 20px;margin-bottom:16px}
h1{font-size:20px;margin:0 0 12px}
h2{font-size:15px;margin:0 0 10px;color:#6b7080}
dl{display:grid;grid-template-columns:max-content 1fr;gap:4px 16px;margin:0}
dt{color:#6b7080}dd{margin:0;word-break:break-word}
pre{white-space:pre-wrap;word-break:break-word;background:#f4f4f7;padding:12px;border-radius:6px;margin:0;font-size:13px}
iframe{width:100%;height:75vh;min-height:420px;border:1px solid #e6e8ee;border-radius:6px;background:#fff}
ul.files{margin:0;padding-left:20px}
.empty{color:#6b7080;background:#fff;border-radius:8px;padding:24px;text-align:center}
.muted{color:#6b7080}
.event{display:inline-block;padding:1px 8px;border-radius:10px;font-size:12px;font-weight:600;background:#e6e8ee;color:#1f2330}
.event.delivered,.event.opened,.event.clicked{background:#d3f9d8;color:#2b8a3e}
.event.deferred{background:#fff3bf;color:#8f6400}
.event.bounced,.event.rejected,.event.complained{background:#ffe3e3;color:#c92a2a}
table.list code{font-size:12px;word-break:break-all}
table.list+section{margin-top:16px}
.job{display:inline-block;padding:1px 8px;border-radius:10px;font-size:12px;font-weight:600;background:#e6e8ee;color:#1f2330}
.job.active{background:#dbe4ff;color:#3b5bdb}
.job.completed{background:#d3f9d8;color:#2b8a3e}
.job.failed{background:#fff3bf;color:#8f6400}
.job.dead-lettered,.job.unknown{background:#ffe3e3;color:#c92a2a}
`;

function page(title: string, body: string, refreshSeconds?: number): string {
  const refresh = refreshSeconds ? `<meta http-equiv="refresh" content="${refreshSeconds}">` : "";
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">${refresh}
<title>${escapeHtml(title)}</title><style>${STYLE}</style></head>
<body>
<header><a href="/">posse-mail inbox</a><span>local demo inbox: nothing leaves this machine</span></header>
<main>
${body}
</main>
</body>
</html>
`;
}

function mailbox(entry: EmailAddress): string {
  if (entry.group) return `${entry.name}: ${entry.group.map(mailbox).join(", ")};`;
  return entry.name ? `${entry.name} <${entry.address ?? ""}>` : (entry.address ?? "");
}

/** Addresses as people read them: `Name <address>`, unquoted (the page escapes them). */
export function addresses(value: AddressObject | AddressObject[] | undefined): string {
  if (!value) return "";
  const list = Array.isArray(value) ? value : [value];
  return list.flatMap((object) => object.value.map(mailbox)).join(", ");
}

function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** A time as `2025-03-01 12:00:05 UTC`. */
function formatTime(time: Date): string {
  return Number.isNaN(time.getTime()) ? "" : `${time.toISOString().slice(0, 19).replace("T", " ")} UTC`;
}

const eventBadge = (type: string) => `<span class="event ${escapeHtml(type)}">${escapeHtml(type)}</span>`;

/** What an event says beyond its type: the bounce's kind, reason and diagnostic, the clicked URL. */
function eventDetails(event: MailEvent): string {
  const parts: string[] = [];
  if (event.bounce) {
    const reason = event.bounce.reason ? `: ${escapeHtml(event.bounce.reason)}` : "";
    parts.push(`<span data-testid="bounce">${escapeHtml(event.bounce.kind)}${reason}</span>`);
    if (event.bounce.diagnostic)
      parts.push(`<span class="muted">${escapeHtml(event.bounce.diagnostic)}</span>`);
  }
  if (event.url !== undefined) parts.push(`<code data-testid="url">${escapeHtml(event.url)}</code>`);
  return parts.join("<br>");
}

/** A table of delivery events, oldest first; `withMessage` adds the message id column (events of no held message). */
function eventTable(events: readonly MailEvent[], testId: string, withMessage = false): string {
  const rows = events.map(
    (event) => `<tr data-event-type="${escapeHtml(event.type)}">
<td class="muted">${escapeHtml(formatTime(event.timestamp))}</td>
<td>${eventBadge(event.type)} <span class="muted">${escapeHtml(event.vendorType)}</span></td>
<td>${escapeHtml(event.provider)}</td>
${withMessage ? `<td><code>${escapeHtml(event.messageId ?? "(none)")}</code></td>` : ""}<td>${escapeHtml(event.recipient ?? "")}</td>
<td>${eventDetails(event)}</td>
</tr>`,
  );
  const messageHeading = withMessage ? "<th>Message id</th>" : "";
  return `<table class="list" data-testid="${testId}">
<thead><tr><th>Time</th><th>Event</th><th>Provider</th>${messageHeading}<th>Recipient</th><th>Details</th></tr></thead>
<tbody>
${rows.join("\n")}
</tbody>
</table>`;
}

/** The events the webhooks received about no message this inbox holds (Mailjet's numeric ids, older messages). */
function otherEvents(messages: readonly InboxMessage[], events: EventStore): string {
  const held = new Set(messages.map((message) => message.parsed.messageId));
  const others = events.all().filter((event) => event.messageId === undefined || !held.has(event.messageId));
  if (others.length === 0) return "";
  return `<section><h2>Delivery events about other messages</h2>
${eventTable(others, "other-events", true)}</section>`;
}

/** The latest event of a message, for the list. */
function latestEvent(message: InboxMessage, events: EventStore): string {
  const id = message.parsed.messageId;
  const list = id === undefined ? [] : events.forMessage(id);
  const latest = list.at(-1);
  return latest ? `${eventBadge(latest.type)} <span class="muted">${list.length}</span>` : "";
}

/** A job's message id, linked to the message when the inbox holds it (the SMTP provider's id is its Message-ID). */
function jobMessage(view: JobView, messages: readonly InboxMessage[]): string {
  if (view.messageId === undefined) return "";
  const held = messages.find((message) => message.parsed.messageId === view.messageId);
  const code = `<code>${escapeHtml(view.messageId)}</code>`;
  return held ? `<a href="/messages/${held.id}">${code}</a>` : code;
}

/**
 * The queue's jobs (`demo --queue`): id, e-mail, state, attempts, provider, the vendor's message id and a
 * dead letter's error. `null`: the queue did not answer.
 */
export function jobSection(jobs: readonly JobView[] | null, messages: readonly InboxMessage[]): string {
  if (jobs === null) {
    return `<section><h2>Queue jobs</h2><p class="muted" data-testid="jobs-unavailable">The queue's Redis did not answer: job states cannot be shown now.</p></section>`;
  }
  if (jobs.length === 0) return "";
  const rows = jobs.map(
    (view) => `<tr data-job-state="${escapeHtml(view.state)}">
<td><code>${escapeHtml(view.id)}</code></td>
<td>${escapeHtml(view.label)}</td>
<td><span class="job ${escapeHtml(view.state)}">${escapeHtml(view.state)}</span></td>
<td>${view.attempts}</td>
<td>${escapeHtml(view.provider ?? "")}</td>
<td>${jobMessage(view, messages)}</td>
<td>${escapeHtml(view.error ?? "")}</td>
</tr>`,
  );
  return `<section><h2>Queue jobs</h2>
<table class="list" data-testid="jobs">
<thead><tr><th>Job</th><th>E-mail</th><th>State</th><th>Attempts</th><th>Provider</th><th>Message id</th><th>Error</th></tr></thead>
<tbody>
${rows.join("\n")}
</tbody>
</table></section>`;
}

/** Seconds after which the list reloads itself: while it is empty or a job is still under way. */
function refreshOf(messages: readonly InboxMessage[], jobs: readonly JobView[] | null): number | undefined {
  if (messages.length === 0 || (jobs ?? []).some((view) => !isSettled(view))) return 3;
  return undefined;
}

/** The list of received messages, newest first, with the latest delivery event of each, and the queue's jobs. */
export function renderList(
  messages: readonly InboxMessage[],
  events: EventStore,
  jobs: readonly JobView[] | null = [],
): string {
  const refresh = refreshOf(messages, jobs);
  if (messages.length === 0) {
    return page(
      "Inbox (empty)",
      `<p class="empty">No messages yet. This page refreshes itself every few seconds.</p>${jobSection(jobs, messages)}${otherEvents(messages, events)}`,
      refresh,
    );
  }
  const rows = [...messages]
    .reverse()
    .map((message) => {
      const { parsed } = message;
      const files = parsed.attachments.length;
      return `<tr>
<td><a href="/messages/${message.id}">${escapeHtml(parsed.subject ?? "(no subject)")}</a></td>
<td>${escapeHtml(addresses(parsed.from))}</td>
<td>${escapeHtml(addresses(parsed.to))}</td>
<td>${files === 0 ? "" : `${files} file${files === 1 ? "" : "s"}`}</td>
<td class="muted">${escapeHtml(message.receivedAt.toISOString().slice(11, 19))}</td>
<td>${latestEvent(message, events)}</td>
</tr>`;
    })
    .join("\n");
  return page(
    `Inbox (${messages.length})`,
    `<h1>Inbox <span class="muted">(${messages.length})</span></h1>
<table class="list">
<thead><tr><th>Subject</th><th>From</th><th>To</th><th>Files</th><th>Received</th><th>Events</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>
${jobSection(jobs, messages)}${otherEvents(messages, events)}`,
    refresh,
  );
}

/**
 * The message's HTML as an iframe `srcdoc` document: its own CSP first, so that whatever the message
 * contains, nothing runs and nothing loads; links open outside the sandbox.
 */
export function sandboxedDocument(html: string): string {
  const head = `<meta http-equiv="Content-Security-Policy" content="${MESSAGE_CSP}"><base target="_blank">`;
  return `<!doctype html><html><head>${head}</head><body>${html}</body></html>`;
}

/** The delivery events of one message, joined by the id `send()` returned (its Message-ID). */
function timeline(message: InboxMessage, events: EventStore): string {
  const id = message.parsed.messageId;
  const list = id === undefined ? [] : events.forMessage(id);
  const body =
    list.length === 0
      ? `<p class="muted" data-testid="timeline-empty">No delivery events received for this message. Vendors post them to <code>/webhooks/&lt;vendor&gt;</code>; <code>npm run demo -- --events</code> posts signed samples.</p>`
      : eventTable(list, "timeline");
  return `<section><h2>Delivery events</h2>\n${body}</section>`;
}

/** One message: headers, delivery events, HTML (sandboxed), text part and attachments. */
export function renderMessage(message: InboxMessage, events: EventStore): string {
  const { parsed } = message;
  const subject = parsed.subject ?? "(no subject)";
  const summary: [string, string][] = [
    ["From", addresses(parsed.from)],
    ["To", addresses(parsed.to)],
  ];
  if (parsed.cc) summary.push(["Cc", addresses(parsed.cc)]);
  if (parsed.replyTo) summary.push(["Reply-To", addresses(parsed.replyTo)]);
  summary.push(["Date", parsed.date ? parsed.date.toISOString() : ""]);
  summary.push(["Message-ID", parsed.messageId ?? ""]);
  summary.push(["Envelope", `${message.envelopeFrom ?? "<>"} → ${message.envelopeTo.join(", ")}`]);
  const headerList = parsed.headerLines.map((header) => header.line).join("\n");
  const sections: string[] = [
    `<section><h1 data-testid="subject">${escapeHtml(subject)}</h1>
<dl>${summary.map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${escapeHtml(v)}</dd>`).join("")}</dl>
<details><summary class="muted">All headers</summary><pre data-testid="headers">${escapeHtml(headerList)}</pre></details></section>`,
    timeline(message, events),
  ];
  if (typeof parsed.html === "string" && parsed.html !== "") {
    sections.push(`<section><h2>HTML</h2>
<iframe title="HTML body" sandbox="allow-popups allow-popups-to-escape-sandbox" referrerpolicy="no-referrer" srcdoc="${escapeHtml(sandboxedDocument(parsed.html))}"></iframe></section>`);
  }
  if (parsed.text !== undefined) {
    sections.push(`<section><h2>Text</h2><pre data-testid="text">${escapeHtml(parsed.text)}</pre></section>`);
  }
  if (parsed.attachments.length > 0) {
    const items = parsed.attachments.map((attachment, index) => {
      const name = attachment.filename ?? `attachment-${index + 1}`;
      const inline = attachment.related ? " (inline)" : "";
      return `<li><a href="/messages/${message.id}/attachments/${index}" download="${escapeHtml(name)}">${escapeHtml(name)}</a> <span class="muted">${escapeHtml(attachment.contentType ?? "application/octet-stream")}, ${formatSize(attachment.size)}${inline}</span></li>`;
    });
    sections.push(
      `<section><h2>Attachments</h2><ul class="files" data-testid="attachments">${items.join("")}</ul></section>`,
    );
  }
  sections.push(
    `<p><a href="/messages/${message.id}/raw">Download the raw message (.eml)</a> · <a href="/">Back to the inbox</a></p>`,
  );
  return page(subject, sections.join("\n"));
}

/** A small error page. */
export function renderNotFound(what: string): string {
  return page(
    "Not found",
    `<p class="empty">${escapeHtml(what)} was not found. <a href="/">Back to the inbox</a></p>`,
  );
}

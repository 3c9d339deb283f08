/** Escapes text for HTML element content and double- or single-quoted attribute values. */
export function escapeHtml(value: string): string {
  return value
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;")
    .replaceAll("'", "&#39;");
}

/** A URL safe to put in an `href`: only http(s) links; anything else becomes `#`. */
export function safeHref(url: string): string {
  return /^https?:\/\//i.test(url) ? escapeHtml(url) : "#";
}

/** Wraps already-escaped body HTML in a minimal e-mail document with inline styles. */
export function emailLayout(title: string, bodyHtml: string): string {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>
<body style="margin:0;padding:24px;background:#f4f4f7;font-family:system-ui,-apple-system,Segoe UI,sans-serif;color:#1f2330">
<div style="max-width:560px;margin:0 auto;background:#fff;border-radius:8px;padding:24px 28px;line-height:1.5">
${bodyHtml}
<p style="margin-top:32px;font-size:12px;color:#6b7080">Sent by the posse-mail demo.</p>
</div>
</body>
</html>
`;
}

/** A call-to-action link styled as a button. */
export function buttonLink(url: string, label: string): string {
  return `<p style="margin:24px 0"><a href="${safeHref(url)}" style="display:inline-block;background:#3b5bdb;color:#fff;text-decoration:none;padding:10px 18px;border-radius:6px;font-weight:600">${escapeHtml(label)}</a></p>`;
}

/** Formats a date as `2025-01-31 14:05 UTC`, independent of the machine's locale and time zone. */
export function formatUtc(date: Date): string {
  return `${date.toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

/** A 1×1 PNG, base64. */
export const PNG_BASE64 =
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==";

/**
 * A hand-written message whose HTML tries everything the inbox must not allow (a script, a remote
 * image, an inline event handler) next to an inline `cid:` image and an HTML attachment.
 */
export function hostileMessage(remoteUrl: string): Buffer {
  const html = `<h1 id="title">Hostile &amp; inline</h1>
<p><img id="inline" alt="inline dot" src="cid:dot@test"></p>
<p><img id="remote" alt="remote" src="${remoteUrl}"></p>
<img src="x" onerror="document.title='pwned-by-onerror'">
<script>document.title = 'pwned-by-script'; fetch(${JSON.stringify(remoteUrl)});</script>
<p>end</p>`;
  return Buffer.from(
    [
      "From: Mallory <mallory@evil.test>",
      "To: Ann <ann@localhost.test>",
      "Subject: =?UTF-8?B?SG9zdGlsZSDinIkgbWVzc2FnZQ==?=",
      "Date: Sat, 01 Mar 2025 12:00:00 +0000",
      "Message-ID: <hostile-1@evil.test>",
      "MIME-Version: 1.0",
      'Content-Type: multipart/mixed; boundary="mixed"',
      "",
      "--mixed",
      'Content-Type: multipart/related; boundary="related"',
      "",
      "--related",
      'Content-Type: multipart/alternative; boundary="alt"',
      "",
      "--alt",
      "Content-Type: text/plain; charset=utf-8",
      "",
      "Plain part <b>not bold</b>",
      "--alt",
      "Content-Type: text/html; charset=utf-8",
      "",
      html,
      "--alt--",
      "--related",
      "Content-Type: image/png",
      "Content-Transfer-Encoding: base64",
      "Content-ID: <dot@test>",
      'Content-Disposition: inline; filename="dot.png"',
      "",
      PNG_BASE64,
      "--related--",
      "--mixed",
      "Content-Type: text/html; charset=utf-8",
      'Content-Disposition: attachment; filename="page <1>.html"',
      "",
      "<script>alert(1)</script>",
      "--mixed--",
      "",
    ].join("\r\n"),
  );
}

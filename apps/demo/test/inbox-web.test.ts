import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MESSAGE_CSP } from "../src/inbox/inbox-html.js";
import { attachmentDisposition } from "../src/inbox/inbox-web.js";
import { type LocalInbox, startLocalInbox } from "../src/inbox/local-inbox.js";
import { hostileMessage } from "./fixtures.js";

let inbox: LocalInbox;

beforeAll(async () => {
  inbox = await startLocalInbox();
  await inbox.smtp.deliver(hostileMessage("http://203.0.113.9/pixel.png"), {
    from: "mallory@evil.test",
    to: ["ann@localhost.test"],
  });
});

afterAll(async () => {
  await inbox.close();
});

function get(path: string, host?: string) {
  return new Promise<{
    status: number;
    headers: Record<string, string | string[] | undefined>;
    body: Buffer;
  }>((resolve, reject) => {
    const url = new URL(path, inbox.web.url);
    const req = request(url, { headers: host ? { host } : {} }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
      );
    });
    req.on("error", reject);
    req.end();
  });
}

function messageId(): string {
  const message = inbox.smtp.messages.find((m) => m.parsed.messageId === "<hostile-1@evil.test>");
  return message!.id;
}

describe("inbox web page", () => {
  it("binds loopback on free ports", () => {
    expect(inbox.web.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect(inbox.smtp.host).toBe("127.0.0.1");
    expect(inbox.smtp.port).toBeGreaterThan(0);
  });

  it("lists messages with escaped subjects and senders, under a strict CSP", async () => {
    const response = await get("/");
    expect(response.status).toBe(200);
    expect(response.headers["content-security-policy"]).toContain("default-src 'none'");
    expect(response.headers["x-content-type-options"]).toBe("nosniff");
    const html = response.body.toString();
    expect(html).toContain(`href="/messages/${messageId()}"`);
    expect(html).toContain("Hostile ✉ message");
    expect(html).toContain("Mallory &lt;mallory@evil.test&gt;");
  });

  it("shows the HTML only inside a sandboxed srcdoc iframe with its own CSP", async () => {
    const html = (await get(`/messages/${messageId()}`)).body.toString();
    const iframe = /<iframe[^>]*>/.exec(html)![0];
    expect(iframe).toMatch(/ sandbox="allow-popups allow-popups-to-escape-sandbox"/);
    expect(iframe).not.toContain("allow-scripts");
    expect(iframe).not.toContain("allow-same-origin");
    // The message's markup is an attribute value: no raw tag of it reaches the page.
    expect(html).not.toContain("<script>");
    expect(html).not.toContain('<img src="x"');
    expect(iframe).toContain(
      `&lt;meta http-equiv=&quot;Content-Security-Policy&quot; content=&quot;${MESSAGE_CSP.replaceAll("'", "&#39;")}&quot;&gt;`,
    );
    // The inline image arrives as a data: URL (mailparser rewrites cid: links).
    expect(iframe).toContain("src=&quot;data:image/png;base64,");
  });

  it("shows headers, the text part and attachment links, all escaped", async () => {
    const html = (await get(`/messages/${messageId()}`)).body.toString();
    expect(html).toContain("Message-ID: &lt;hostile-1@evil.test&gt;");
    expect(html).toContain("Plain part &lt;b&gt;not bold&lt;/b&gt;");
    expect(html).toMatch(/<a href="\/messages\/\d+\/attachments\/\d+" download="page &lt;1&gt;.html">/);
    // No webhook has reported on it yet.
    expect(html).toContain('<p class="muted" data-testid="timeline-empty">No delivery events received');
  });

  it("serves attachments as downloads, never as pages", async () => {
    const page = (await get(`/messages/${messageId()}`)).body.toString();
    const links = [...page.matchAll(/href="(\/messages\/\d+\/attachments\/\d+)"/g)].map((m) => m[1]!);
    const responses = await Promise.all(links.map((link) => get(link)));
    const htmlFile = responses.find((r) => String(r.headers["content-disposition"]).includes("page"));
    expect(htmlFile!.status).toBe(200);
    expect(htmlFile!.headers["content-disposition"]).toBe(attachmentDisposition("page <1>.html"));
    expect(htmlFile!.headers["content-security-policy"]).toContain("default-src 'none'");
    expect(htmlFile!.body.toString()).toBe("<script>alert(1)</script>");
  });

  it("offers the raw message", async () => {
    const response = await get(`/messages/${messageId()}/raw`);
    expect(response.headers["content-type"]).toBe("message/rfc822");
    expect(response.body.toString()).toContain("Message-ID: <hostile-1@evil.test>");
  });

  it("answers 404 for unknown messages and attachments, 405 for other methods", async () => {
    expect((await get("/messages/999")).status).toBe(404);
    expect((await get(`/messages/${messageId()}/attachments/99`)).status).toBe(404);
    expect((await get("/nope")).status).toBe(404);
  });

  it("refuses Host names other than loopback (DNS rebinding)", async () => {
    expect((await get("/", "evil.example:80")).status).toBe(421);
    expect((await get("/", `localhost:${inbox.web.port}`)).status).toBe(200);
  });
});

describe("attachmentDisposition", () => {
  it("quotes an ASCII fallback and encodes the UTF-8 name", () => {
    expect(attachmentDisposition('a "b".txt')).toBe(
      `attachment; filename="a _b_.txt"; filename*=UTF-8''a%20%22b%22.txt`,
    );
    expect(attachmentDisposition("résumé.pdf")).toBe(
      `attachment; filename="r_sum_.pdf"; filename*=UTF-8''r%C3%A9sum%C3%A9.pdf`,
    );
  });
});

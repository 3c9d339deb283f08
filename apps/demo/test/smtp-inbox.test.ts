import { connect, type Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { type SmtpInbox, type SmtpInboxOptions, startSmtpInbox } from "../src/inbox/smtp-inbox.js";

const opened: SmtpInbox[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((inbox) => inbox.close()));
});

async function inbox(options: SmtpInboxOptions): Promise<SmtpInbox> {
  const started = await startSmtpInbox(options);
  opened.push(started);
  return started;
}

/** A plain SMTP client on a socket: each command resolves to the server's final reply line. */
async function smtpSession(port: number) {
  const socket: Socket = connect(port, "127.0.0.1");
  let pending = "";
  let waiting: ((line: string) => void) | undefined;
  const replies: string[] = [];
  socket.setEncoding("utf8");
  socket.on("data", (text: string) => {
    pending += text;
    for (let end = pending.indexOf("\r\n"); end >= 0; end = pending.indexOf("\r\n")) {
      const line = pending.slice(0, end);
      pending = pending.slice(end + 2);
      if (/^\d{3} /.test(line)) replies.push(line); // the last line of a (multi-line) reply
    }
    if (waiting && replies.length > 0) {
      const resolve = waiting;
      waiting = undefined;
      resolve(replies.shift()!);
    }
  });
  const reply = () =>
    new Promise<string>((resolve) => {
      if (replies.length > 0) resolve(replies.shift()!);
      else waiting = resolve;
    });
  const write = (data: string) =>
    new Promise<void>((resolve) => {
      if (socket.write(data)) resolve();
      else socket.once("drain", resolve);
    });
  await reply(); // greeting
  return {
    command: async (line: string) => {
      await write(`${line}\r\n`);
      return reply();
    },
    write,
    reply,
    close: () => socket.destroy(),
  };
}

function message(subject: string, body: string): string {
  return `From: a@localhost.test\r\nTo: b@localhost.test\r\nSubject: ${subject}\r\n\r\n${body}\r\n`;
}

async function send(port: number, data: string): Promise<string> {
  const smtp = await smtpSession(port);
  try {
    await smtp.command("EHLO client.localhost");
    await smtp.command("MAIL FROM:<a@localhost.test>");
    await smtp.command("RCPT TO:<b@localhost.test>");
    expect(await smtp.command("DATA")).toMatch(/^354 /);
    return await smtp.command(`${data}.`);
  } finally {
    smtp.close();
  }
}

describe("the local SMTP inbox", () => {
  it("refuses a message over its limit with 552 while it arrives, without buffering it", async () => {
    const limit = 1024 * 1024;
    const box = await inbox({ maxBytes: limit });
    const smtp = await smtpSession(box.port);
    await smtp.command("EHLO client.localhost");
    expect(await smtp.command("MAIL FROM:<a@localhost.test>")).toMatch(/^250 /);
    await smtp.command("RCPT TO:<b@localhost.test>");
    expect(await smtp.command("DATA")).toMatch(/^354 /);
    // 384 MB in 1 KB lines, memory sampled as it goes: buffered, it would grow by all of it; discarded, it
    // stays at what the garbage collector has not yet freed, which does not grow with what is sent (about
    // 32 MB on Node 22; 70 to 100 MB on Node 26, whose collector frees later). The bound is half of it.
    const total = 384 * 1024 * 1024;
    const line = `${"x".repeat(1022)}\r\n`;
    const chunk = line.repeat(64);
    const before = process.memoryUsage().arrayBuffers;
    let peak = 0;
    for (let sent = 0; sent < total; sent += chunk.length) {
      await smtp.write(chunk);
      peak = Math.max(peak, process.memoryUsage().arrayBuffers - before);
    }
    await smtp.write(".\r\n");
    const reply = await smtp.reply();
    smtp.close();
    expect(peak).toBeLessThan(total / 2);
    expect(reply).toBe("552 message exceeds the inbox's limit of 1048576 bytes");
    expect(box.messages).toHaveLength(0);
  });

  it("refuses a too-large announced SIZE before the data is sent", async () => {
    const box = await inbox({ maxBytes: 1000 });
    const smtp = await smtpSession(box.port);
    await smtp.command("EHLO client.localhost");
    expect(await smtp.command("MAIL FROM:<a@localhost.test> SIZE=5000")).toMatch(/^552 /);
    smtp.close();
  });

  it("accepts a message at its limit", async () => {
    const box = await inbox({ maxBytes: 4096 });
    const data = message("fits", "y".repeat(1000));
    expect(await send(box.port, data)).toBe("250 stored as message 1");
    expect(box.messages.map((m) => m.parsed.subject)).toEqual(["fits"]);
  });

  it("keeps the latest messages only: beyond maxMessages the oldest are dropped, ids keep counting", async () => {
    const box = await inbox({ maxMessages: 3 });
    for (let n = 1; n <= 5; n++) await send(box.port, message(`n${n}`, "body"));
    expect(box.messages.map((m) => [m.id, m.parsed.subject])).toEqual([
      ["3", "n3"],
      ["4", "n4"],
      ["5", "n5"],
    ]);
    expect(box.get("1")).toBeUndefined();
  });

  it("keeps what it holds under maxStoredBytes, dropping the oldest", async () => {
    const box = await inbox({ maxBytes: 10_000, maxStoredBytes: 20_000 });
    for (let n = 1; n <= 6; n++) await send(box.port, message(`n${n}`, "z".repeat(8000)));
    const stored = box.messages.reduce((sum, m) => sum + m.raw.length, 0);
    expect(stored).toBeLessThanOrEqual(20_000);
    expect(box.messages.map((m) => m.parsed.subject)).toEqual(["n5", "n6"]);
  });
});

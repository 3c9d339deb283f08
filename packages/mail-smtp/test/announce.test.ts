// The transport says when a request really starts: only once a pooled connection is free. A worker marks a
// job "possibly sent" in `beforeRequest`, so a send still waiting for a connection must not have run it:
// a crash then leaves no marker and the job is sent again safely.
import { MailError, type Mailer } from "@posse/mail-core";
import { createContractMailer, minimalMessage } from "@posse/mail-core/testing";
import { afterEach, describe, expect, it } from "vitest";
import { type SmtpConfig, smtpProvider } from "../src/index.js";
import { startServer, type TestServer } from "./fixtures/smtp-server.js";

const servers: TestServer[] = [];
const mailers: Mailer[] = [];

afterEach(async () => {
  await Promise.all(mailers.splice(0).map((mailer) => mailer.close()));
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

const oneConnection = (port: number): SmtpConfig => ({
  host: "127.0.0.1",
  port,
  startTls: false,
  maxConnections: 1,
});

async function setUp(answerDataAfter?: Promise<void>) {
  const server = await startServer({
    startTls: false,
    authOptional: true,
    ...(answerDataAfter && { answerDataAfter }),
  });
  servers.push(server);
  const mailer = await createContractMailer(smtpProvider, oneConnection(server.port));
  mailers.push(mailer);
  return { server, mailer };
}

/** Lets every pending callback and I/O turn run, so a `beforeRequest` due now would have run. */
async function settle(turns = 20): Promise<void> {
  for (let turn = 0; turn < turns; turn++) await new Promise((resolve) => setImmediate(resolve));
}

describe("smtp announces its requests", () => {
  it("runs beforeRequest only once the send holds a connection, not while it waits for one", async () => {
    let letFirstGo = () => {};
    const firstHeld = new Promise<void>((resolve) => {
      letFirstGo = resolve;
    });
    const { server, mailer } = await setUp(firstHeld);
    const started: { subject: string; deliveredBefore: number }[] = [];
    const send = (subject: string) =>
      mailer.send(
        { ...minimalMessage, subject },
        {
          beforeRequest: async () => {
            started.push({ subject, deliveredBefore: server.messages.length });
          },
        },
      );
    const first = send("First");
    await server.dataStarted;
    const second = send("Second");
    await settle();
    expect(started).toEqual([{ subject: "First", deliveredBefore: 0 }]);
    letFirstGo();
    await Promise.all([first, second]);
    expect(started).toEqual([
      { subject: "First", deliveredBefore: 0 },
      { subject: "Second", deliveredBefore: 1 },
    ]);
    expect(server.messages.map((message) => message.parsed.subject)).toEqual(["First", "Second"]);
    expect(server.connections).toHaveLength(1);
  });

  it("sends nothing when beforeRequest refuses, and gives the caller its error unchanged", async () => {
    const { server, mailer } = await setUp();
    const refusal = new MailError("ABORTED", "another worker is sending this job", { retryable: false });
    const error = await mailer
      .send(minimalMessage, { beforeRequest: () => Promise.reject(refusal) })
      .catch((e) => e);
    expect(error).toMatchObject({ code: "ABORTED", message: "another worker is sending this job" });
    expect(error.outcomeUnknown).toBe(false);
    await mailer.send({ ...minimalMessage, subject: "After" });
    expect(server.messages.map((message) => message.parsed.subject)).toEqual(["After"]);
  });

  it("a send aborted while it waits for a connection never starts and frees its place", async () => {
    let letFirstGo = () => {};
    const firstHeld = new Promise<void>((resolve) => {
      letFirstGo = resolve;
    });
    const { server, mailer } = await setUp(firstHeld);
    const started: string[] = [];
    const send = (subject: string, signal?: AbortSignal) =>
      mailer.send(
        { ...minimalMessage, subject },
        { ...(signal && { signal }), beforeRequest: async () => void started.push(subject) },
      );
    const first = send("First");
    await server.dataStarted;
    const controller = new AbortController();
    const waiting = send("Waiting", controller.signal).catch((e) => e);
    await settle();
    controller.abort();
    expect(await waiting).toMatchObject({ code: "ABORTED", outcomeUnknown: false });
    letFirstGo();
    await first;
    await send("Third");
    expect(started).toEqual(["First", "Third"]);
    expect(server.messages.map((message) => message.parsed.subject)).toEqual(["First", "Third"]);
  });
});

// A vendor (or whatever answers in its place) that streams an endless body, on a real loopback server: the
// error keeps the answer's status (200 in the UNKNOWN; a 503 stays UNAVAILABLE) and reads at most the limit
// plus socket buffers. The generic checks (size limit named, socket closed, sent once, timeout and abort
// tearing a trickling answer down) are in the conformance suite (test/contract.test.ts).

import { MAX_RESPONSE_BYTES } from "@posse/mail-core/provider";
import {
  createContractMailer,
  endlessAnswer,
  type LoopbackVendor,
  minimalMessage,
  startLoopbackVendor,
} from "@posse/mail-core/testing";
import { afterEach, describe, expect, it } from "vitest";
import { amazonSesProvider } from "../src/index.js";

// The limit plus what loopback socket buffers and stream queues can hold when the reader stops.
const READ_AT_MOST = MAX_RESPONSE_BYTES + 12 * 1024 * 1024;

/** A vendor whose answer has `status` and a body that never ends (see `endlessAnswer`). */
const endlessBody = (status: number) => startLoopbackVendor(endlessAnswer(status, '{"MessageId":"'));

let streamer: LoopbackVendor | undefined;
afterEach(async () => {
  await streamer?.close();
  streamer = undefined;
});

const config = (endpoint: string) => ({
  region: "us-east-1",
  accessKeyId: "AKIALIMITEXAMPLE0001",
  secretAccessKey: "limit/SECRET+key/0001",
  endpoint,
});

describe("amazon_ses response size", () => {
  it("keeps the status of an endless 200 body in its UNKNOWN", async () => {
    streamer = await endlessBody(200);
    const mailer = await createContractMailer(amazonSesProvider, config(streamer.url));
    const error = await mailer.send(minimalMessage).catch((e) => e);
    await streamer.closed;
    expect(error).toMatchObject({
      code: "UNKNOWN",
      provider: "amazon_ses",
      status: 200,
      outcomeUnknown: true,
    });
  });

  it("keeps the status of an endless error body: a 503 stays UNAVAILABLE", async () => {
    streamer = await endlessBody(503);
    const mailer = await createContractMailer(amazonSesProvider, config(streamer.url));
    const error = await mailer.send(minimalMessage).catch((e) => e);
    await streamer.closed;
    expect(error).toMatchObject({ code: "UNAVAILABLE", provider: "amazon_ses", status: 503 });
    expect(streamer.stats.written).toBeLessThan(READ_AT_MOST);
  });
});

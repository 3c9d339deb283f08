// A vendor (or whatever answers in its place) that streams an endless body: the provider reads at most
// MAX_RESPONSE_BYTES of it, closes the socket, and reports UNKNOWN with an unknown outcome. A real loopback
// server, since the point is the bytes that cross a real socket.
import { MAX_RESPONSE_BYTES, MailError } from "@posse/mail-core";
import {
  createContractMailer,
  createFakeClock,
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
const endlessBody = (status: number, trickle = false) =>
  startLoopbackVendor(endlessAnswer(status, '{"MessageId":"', trickle));

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
  it("stops reading an endless 200 body past the limit, closes the socket, and reports UNKNOWN", async () => {
    streamer = await endlessBody(200);
    const mailer = await createContractMailer(amazonSesProvider, config(streamer.url), {
      retry: { attempts: 3 },
    });
    const error = await mailer.send(minimalMessage).catch((e) => e);
    await streamer.closed;
    expect(error).toBeInstanceOf(MailError);
    expect(error).toMatchObject({
      code: "UNKNOWN",
      provider: "amazon_ses",
      status: 200,
      outcomeUnknown: true,
    });
    expect(error.message).toContain(`larger than ${MAX_RESPONSE_BYTES} bytes`);
    expect(streamer.stats.written).toBeLessThan(READ_AT_MOST);
    expect(streamer.stats.requests).toBe(1);
  });

  it("keeps the status of an endless error body: a 503 stays UNAVAILABLE", async () => {
    streamer = await endlessBody(503);
    const mailer = await createContractMailer(amazonSesProvider, config(streamer.url));
    const error = await mailer.send(minimalMessage).catch((e) => e);
    await streamer.closed;
    expect(error).toMatchObject({ code: "UNAVAILABLE", provider: "amazon_ses", status: 503 });
    expect(streamer.stats.written).toBeLessThan(READ_AT_MOST);
  });

  it("tears the connection down when the timeout fires while the body trickles in", async () => {
    streamer = await endlessBody(200, true);
    const clock = createFakeClock();
    const mailer = await createContractMailer(amazonSesProvider, config(streamer.url), {
      clock,
      timeoutMs: 5_000,
    });
    const send = mailer.send(minimalMessage).catch((e) => e);
    // Let the answer start arriving on the real socket, then fire the (fake) timeout.
    while (streamer.stats.written < 3 * 1024) await new Promise((resolve) => setTimeout(resolve, 10));
    await clock.advance(5_000);
    const error = await send;
    await streamer.closed;
    expect(error).toMatchObject({ code: "TIMEOUT", provider: "amazon_ses", outcomeUnknown: true });
    expect(streamer.stats.written).toBeLessThan(READ_AT_MOST);
  });
});

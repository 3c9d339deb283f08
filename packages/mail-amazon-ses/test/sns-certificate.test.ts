// The SNS signing certificate download: it reads at most 16 KiB of an answer, however large, takes no redirect,
// gives up (and closes the connection) after 5 s, runs at most 4 downloads of different URLs at once, and
// fetches a certificate once. The URL is checked to be SNS's before, but the answer is still what the network
// gives, and forged posts can name any certificate URL on SNS's hosts.
import { readFileSync } from "node:fs";
import { createFakeClock, deferred, startLoopbackVendor } from "@posse/mail-core/testing";
import { describe, expect, it } from "vitest";
import {
  CERTIFICATE_TIMEOUT_MS,
  certificateCache,
  MAX_CERTIFICATE_DOWNLOADS,
} from "../src/webhooks/certificate-download.js";

const CERTIFICATE = readFileSync(new URL("./fixtures/sns-test-signing.pem", import.meta.url), "utf8");
const URL_PEM = "https://sns.us-east-1.amazonaws.com/SimpleNotificationService-0123456789abcdef.pem";
const urlNumber = (n: number) => `https://sns.us-east-1.amazonaws.com/SimpleNotificationService-${n}.pem`;
const CHUNK = 64 * 1024;

/** A fetch answering `status` with `total` bytes in `chunk`-byte pieces; it counts the bytes pulled from it. */
function largeAnswer(total: number, status = 200, chunk = CHUNK) {
  const seen = { pulled: 0, init: undefined as RequestInit | undefined };
  const fetcher = (async (_input: string | URL | Request, init?: RequestInit) => {
    seen.init = init;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (seen.pulled >= total) return controller.close();
        seen.pulled += chunk;
        controller.enqueue(new Uint8Array(chunk).fill(0x41));
      },
    });
    return new Response(body, { status, headers: { "content-type": "application/x-pem-file" } });
  }) as typeof fetch;
  return { fetcher, seen };
}

/** A fetch whose answers wait until `release()`; it records each URL it was asked for. */
function heldFetch() {
  const gate = deferred();
  const urls: string[] = [];
  const fetcher = (async (input: string | URL | Request) => {
    urls.push(String(input));
    await gate.promise;
    return new Response(CERTIFICATE);
  }) as typeof fetch;
  return { fetcher, urls, release: gate.resolve };
}

describe("the SNS certificate download", () => {
  it("stops reading a 64 MiB answer past 16 KiB: not a certificate, and not read whole", async () => {
    const { fetcher, seen } = largeAnswer(64 * 1024 * 1024);
    const publicKey = certificateCache({ fetch: fetcher });
    await expect(publicKey(URL_PEM)).rejects.toThrow(
      "the SNS signing certificate is larger than 16384 bytes",
    );
    expect(seen.pulled).toBeLessThanOrEqual(2 * CHUNK);
    expect(seen.init).toMatchObject({ redirect: "manual" });
  });

  it("reads nothing of an error answer (1 KiB pieces: only the one the stream itself queues)", async () => {
    const { fetcher, seen } = largeAnswer(64 * 1024 * 1024, 404, 1024);
    await expect(certificateCache({ fetch: fetcher })(URL_PEM)).rejects.toThrow(
      "the SNS signing certificate could not be downloaded (HTTP 404)",
    );
    expect(seen.pulled).toBeLessThanOrEqual(1024);
  });

  it("gives up a stalling download after 5 s on the clock and closes its connection; the next try downloads again", async () => {
    // A loopback server that answers 200 and the first line of a certificate, then sends nothing more.
    const server = await startLoopbackVendor((response) => {
      response.writeHead(200, { "content-type": "application/x-pem-file" });
      response.write("-----BEGIN CERTIFICATE-----\n");
    });
    try {
      const clock = createFakeClock();
      const urls: string[] = [];
      const toLoopback = ((input: string | URL | Request, init?: RequestInit) => {
        urls.push(String(input));
        return fetch(`${server.url}/cert.pem`, init);
      }) as typeof fetch;
      const publicKey = certificateCache({ fetch: toLoopback, clock });
      const download = publicKey(URL_PEM);
      download.catch(() => {});
      while (server.stats.requests === 0) await new Promise((resolve) => setTimeout(resolve, 5));
      await clock.advance(CERTIFICATE_TIMEOUT_MS - 1);
      expect(server.stats.requests).toBe(1);
      await clock.advance(1);
      await expect(download).rejects.toThrow("the SNS signing certificate did not arrive within 5 s");
      await server.closed;
      const again = publicKey(URL_PEM);
      again.catch(() => {});
      expect(urls).toEqual([URL_PEM, URL_PEM]);
      await clock.advance(CERTIFICATE_TIMEOUT_MS);
      await expect(again).rejects.toThrow("did not arrive within 5 s");
    } finally {
      await server.close();
    }
  });

  it("does not follow a redirect, even to a certificate: the download fails on the 301 itself", async () => {
    // The first request is answered 301 to a second path; a second request would get the certificate.
    const server = await startLoopbackVendor((response, stats) => {
      if (stats.requests === 1) response.writeHead(301, { location: "/moved.pem" }).end();
      else response.writeHead(200, { "content-type": "application/x-pem-file" }).end(CERTIFICATE);
    });
    try {
      const toLoopback = ((_input: string | URL | Request, init?: RequestInit) =>
        fetch(`${server.url}/cert.pem`, init)) as typeof fetch;
      await expect(certificateCache({ fetch: toLoopback })(URL_PEM)).rejects.toThrow(
        "the SNS signing certificate could not be downloaded (HTTP 301)",
      );
      expect(server.stats.requests).toBe(1);
    } finally {
      await server.close();
    }
  });

  it(`downloads at most ${MAX_CERTIFICATE_DOWNLOADS} different URLs at once and refuses the rest at once`, async () => {
    const { fetcher, urls, release } = heldFetch();
    const publicKey = certificateCache({ fetch: fetcher });
    const first = Array.from({ length: MAX_CERTIFICATE_DOWNLOADS }, (_, n) => publicKey(urlNumber(n)));
    const refused = Array.from({ length: 200 }, (_, n) => publicKey(urlNumber(1000 + n)));
    // The same URL again joins its download.
    const joined = publicKey(urlNumber(0));
    expect(urls).toHaveLength(MAX_CERTIFICATE_DOWNLOADS);
    for (const attempt of refused) {
      await expect(attempt).rejects.toThrow("too many SNS signing certificates are being downloaded at once");
    }
    release();
    await Promise.all([...first, joined]);
    // Done, they free their places: another URL downloads.
    await publicKey(urlNumber(1000));
    expect(urls).toEqual([...first.map((_, n) => urlNumber(n)), urlNumber(1000)]);
  });

  it("fetches a certificate once, however many posts name it at the same time", async () => {
    const { fetcher, urls, release } = heldFetch();
    const publicKey = certificateCache({ fetch: fetcher });
    const keys = Array.from({ length: 50 }, () => publicKey(URL_PEM));
    release();
    const [key, ...rest] = await Promise.all(keys);
    for (const other of rest) expect(other).toBe(key);
    await publicKey(URL_PEM);
    expect(urls).toEqual([URL_PEM]);
  });
});

// The SNS signing certificate download reads at most its limit of an answer, however large, and takes no
// redirect: the webhook handler must not hold a huge answer in memory (the URL is checked to be an SNS host,
// but the answer is still what the network gives).
import { describe, expect, it } from "vitest";
import { certificateCache } from "../src/webhooks/verify-signature.js";

const URL_PEM = "https://sns.us-east-1.amazonaws.com/SimpleNotificationService-0123456789abcdef.pem";
const CHUNK = 64 * 1024;

/** A fetch answering 200 with `total` bytes in 64 KiB chunks; it counts the bytes the reader pulled. */
function largeAnswer(total: number) {
  const seen = { pulled: 0, init: undefined as RequestInit | undefined };
  const fetcher = (async (_input: string | URL | Request, init?: RequestInit) => {
    seen.init = init;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (seen.pulled >= total) return controller.close();
        seen.pulled += CHUNK;
        controller.enqueue(new Uint8Array(CHUNK).fill(0x41));
      },
    });
    return new Response(body, { status: 200, headers: { "content-type": "application/x-pem-file" } });
  }) as typeof fetch;
  return { fetcher, seen };
}

describe("the SNS certificate download", () => {
  it("stops reading a 64 MiB answer past 16 KiB: not a certificate, and not read whole", async () => {
    const { fetcher, seen } = largeAnswer(64 * 1024 * 1024);
    const publicKey = certificateCache(fetcher);
    await expect(publicKey(URL_PEM)).rejects.toThrow(
      "the SNS signing certificate could not be downloaded (HTTP 200)",
    );
    expect(seen.pulled).toBeLessThanOrEqual(2 * CHUNK);
    expect(seen.init).toMatchObject({ redirect: "error" });
  });
});

import { brotliCompressSync, constants, gzipSync } from "node:zlib";
import { type CreateMailerOptions, MailError, type Mailer } from "@posse/mail-core";
import { MAX_RESPONSE_BYTES } from "@posse/mail-core/provider";
import {
  type LoopbackVendor,
  minimalMessage,
  type RecordingVendor,
  startLoopbackVendor,
  startRecordingVendor,
  type VendorAnswer,
} from "@posse/mail-core/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ProviderConformance } from "./spec.js";
import { watchOutput } from "./watch-output.js";

/** The vendor's success answer as a loopback server writes it. */
interface SuccessParts {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

async function successParts(answer: Response): Promise<SuccessParts> {
  const headers = Object.fromEntries(answer.headers);
  delete headers["content-length"];
  return { status: answer.status, headers, body: await answer.text() };
}

/** What a compression bomb inflates to: the vendor's success followed by JSON whitespace, 16 × the limit. */
const BOMB_BYTES = 16 * MAX_RESPONSE_BYTES;

const COMPRESS: Record<"br" | "gzip", (decoded: Buffer) => Buffer> = {
  br: (decoded) =>
    brotliCompressSync(decoded, {
      params: {
        [constants.BROTLI_PARAM_QUALITY]: 5,
        [constants.BROTLI_PARAM_SIZE_HINT]: decoded.length,
      },
    }),
  gzip: (decoded) => gzipSync(decoded, { level: 9 }),
};

/** The vendor's success, padded with whitespace to {@link BOMB_BYTES} and compressed with `encoding`. */
function bombAnswer(success: SuccessParts, encoding: "br" | "gzip"): VendorAnswer {
  const body = Buffer.from(success.body);
  const compressed = COMPRESS[encoding](Buffer.concat([body, Buffer.alloc(BOMB_BYTES - body.length, 0x20)]));
  return (response) => {
    response.writeHead(success.status, {
      ...success.headers,
      "content-encoding": encoding,
      "content-length": String(compressed.length),
    });
    response.end(compressed);
  };
}

/** A 3xx whose Location is `target`, another origin. */
function redirectAnswer(status: number, target: string): VendorAnswer {
  return (response) => {
    response.writeHead(status, { location: `${target}/moved`, "content-length": "0" });
    response.end();
  };
}

/**
 * Defines the real-socket checks of answers that look like a send but are not the vendor's acceptance: a
 * redirect to another host, whose success must never be asked for, and a compression bomb whose inflated
 * text is the vendor's success padded to 16 × {@link MAX_RESPONSE_BYTES}, which must be neither read whole
 * nor taken for a receipt. Each is `UNKNOWN`, outcome unknown, in one request.
 */
export function describeMisleadingAnswers<Config>(
  spec: ProviderConformance<Config>,
  mailer: (options: Partial<CreateMailerOptions>, config: Config) => Promise<Mailer>,
): void {
  const id = spec.definition.id;

  /** Sends once through `vendor` with retries allowed; resolves to the error, or fails on a receipt. */
  async function sendThrough(vendor: LoopbackVendor) {
    const output = watchOutput();
    try {
      const sender = await mailer(
        { hooks: output.hooks, timeoutMs: 10_000, retry: { attempts: 3, baseDelayMs: 1, maxDelayMs: 1 } },
        spec.withEndpoint(vendor.url),
      );
      const outcome = await sender.send(minimalMessage).catch((error: unknown) => error);
      expect(output.events.filter((event) => "messageId" in (event as object))).toEqual([]);
      return outcome;
    } finally {
      output.restore();
    }
  }

  describe("over a real socket, a redirect or a compression bomb is never taken for a send", () => {
    let success: SuccessParts;
    beforeAll(async () => {
      spec.server.close();
      success = await successParts(spec.success());
    });
    afterAll(() => spec.server.listen({ onUnhandledRequest: "error" }));

    it.each([301, 302, 303, 307, 308])(
      "does not follow a %i to another host: UNKNOWN, outcome unknown, sent once, the new location never asked",
      async (status) => {
        let target: RecordingVendor | undefined;
        let vendor: LoopbackVendor | undefined;
        try {
          target = await startRecordingVendor({
            status: success.status,
            contentType: success.headers["content-type"] ?? "application/json",
            body: success.body,
            headers: success.headers,
          });
          vendor = await startLoopbackVendor(redirectAnswer(status, target.url));
          const outcome = await sendThrough(vendor);
          expect(outcome).toBeInstanceOf(MailError);
          expect(outcome).toMatchObject({
            code: "UNKNOWN",
            provider: id,
            status,
            outcomeUnknown: true,
            retryable: false,
          });
          expect(vendor.stats.requests).toBe(1);
          expect(target.requests).toEqual([]);
        } finally {
          await vendor?.close();
          await target?.close();
        }
      },
    );

    it.each(["br", "gzip"] as const)(
      "does not inflate a %s answer past MAX_RESPONSE_BYTES into a receipt: UNKNOWN, outcome unknown, sent once",
      async (encoding) => {
        const vendor = await startLoopbackVendor(bombAnswer(success, encoding));
        try {
          const outcome = await sendThrough(vendor);
          expect(outcome).toBeInstanceOf(MailError);
          expect(outcome).toMatchObject({
            code: "UNKNOWN",
            provider: id,
            outcomeUnknown: true,
            retryable: false,
          });
          expect(vendor.stats.requests).toBe(1);
        } finally {
          await vendor.close();
        }
      },
    );
  });
}

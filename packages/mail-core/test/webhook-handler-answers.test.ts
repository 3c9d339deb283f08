// What the handler answers a vendor beyond the happy path: posts refused on their headers are never read, the
// vendor's retry status for anything worth posting again, and options checked when the handler is made.
import { describe, expect, it, vi } from "vitest";
import { createWebhookHandler, MailError, type MailEvent, type WebhookDefinition } from "../src/index.js";
import { WebhookError } from "../src/provider.js";

const URL_ = "https://app.example/webhooks/test";

const event = { type: "delivered", provider: "test", vendorType: "Delivery" } as MailEvent;

/** A streamed body that counts how often it was read, and whether it was cancelled. */
function countedBody(chunks: number) {
  const seen = { pulls: 0, cancelled: false };
  const stream = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        seen.pulls++;
        if (seen.pulls > chunks) controller.close();
        else controller.enqueue(new Uint8Array(1024).fill(0x20));
      },
      cancel() {
        seen.cancelled = true;
      },
    },
    { highWaterMark: 0 },
  );
  const request = new Request(URL_, { method: "POST", body: stream, duplex: "half" } as RequestInit);
  return { request, seen };
}

describe("createWebhookHandler checks the headers first", () => {
  it("refuses a post its headers do not authenticate without reading a byte of its body", async () => {
    const verify = vi.fn();
    const parse = vi.fn(() => [event]);
    const definition: WebhookDefinition = {
      provider: "test",
      verifyHeaders: (head) => {
        if (head.headers.get("authorization") !== "Bearer ok") {
          throw new WebhookError(401, "the webhook request carries no valid credentials");
        }
      },
      verify,
      parse,
    };
    const { request, seen } = countedBody(5 * 1024);
    const response = await createWebhookHandler(definition, { onEvents: () => {} })(request);
    expect(response.status).toBe(401);
    expect(seen).toEqual({ pulls: 0, cancelled: true });
    expect(verify).not.toHaveBeenCalled();
    expect(parse).not.toHaveBeenCalled();
  });

  it("reads the body, verifies and parses once the headers passed", async () => {
    const order: string[] = [];
    const definition: WebhookDefinition = {
      provider: "test",
      verifyHeaders: () => void order.push("headers"),
      verify: (request) => void order.push(`verify ${request.body.byteLength}`),
      parse: () => {
        order.push("parse");
        return [event];
      },
    };
    const { request } = countedBody(2);
    const headers = new Headers(request.headers);
    const response = await createWebhookHandler(definition, { onEvents: () => {} })(
      new Request(request, { headers }),
    );
    expect(response.status).toBe(200);
    expect(order).toEqual(["headers", "verify 2048", "parse"]);
  });
});

describe("createWebhookHandler asks the vendor to post again with its retry status", () => {
  const brevoLike = (verify?: WebhookDefinition["verify"]): WebhookDefinition => ({
    provider: "test",
    retryStatus: 429,
    ...(verify && { verify }),
    parse: () => [event],
  });
  const post = () => new Request(URL_, { method: "POST", body: "{}" });

  it("when onEvents rejects, whatever it threw (a WebhookError 400 included)", async () => {
    for (const thrown of [new Error("down"), new WebhookError(400, "app says no")]) {
      const response = await createWebhookHandler(brevoLike(), { onEvents: () => Promise.reject(thrown) })(
        post(),
      );
      expect([response.status, await response.text()]).toEqual([
        429,
        "the events were not accepted; send them again",
      ]);
    }
  });

  it("with the Retry-After of a full replay store, from verify or from onEvents", async () => {
    const full = new WebhookError(503, "the replay store is full; send this post again later", {
      "retry-after": "7",
    });
    const fromVerify = await createWebhookHandler(
      brevoLike(() => {
        throw full;
      }),
      { onEvents: () => {} },
    )(post());
    expect([fromVerify.status, fromVerify.headers.get("retry-after")]).toEqual([429, "7"]);
    const fromStore = await createWebhookHandler(
      { provider: "test", parse: () => [event] },
      {
        onEvents: () => Promise.reject(full),
      },
    )(post());
    expect([fromStore.status, fromStore.headers.get("retry-after")]).toEqual([503, "7"]);
  });

  it("for an unexpected error, never with its text", async () => {
    const response = await createWebhookHandler(
      brevoLike(() => {
        throw new Error("token=abc123 broke");
      }),
      { onEvents: () => {} },
    )(post());
    expect([response.status, await response.text()]).toEqual([429, "the test webhook failed; send it again"]);
  });
});

describe("createWebhookHandler checks its options when it is made", () => {
  const definition: WebhookDefinition = { provider: "test", parse: () => [] };

  it.each([Number.NaN, 0, -1, 1.5, Number.POSITIVE_INFINITY, "1024"])(
    "refuses maxBodyBytes %s with CONFIG naming it",
    (maxBodyBytes) => {
      const make = () =>
        createWebhookHandler(definition, { onEvents: () => {}, maxBodyBytes: maxBodyBytes as number });
      expect(make).toThrow(MailError);
      expect(make).toThrow(
        expect.objectContaining({
          code: "CONFIG",
          field: "maxBodyBytes",
          message: "createWebhookHandler: maxBodyBytes must be a positive whole number of bytes",
        }),
      );
    },
  );

  it("refuses a missing onEvents with CONFIG naming it", () => {
    expect(() => createWebhookHandler(definition, {} as never)).toThrow(
      expect.objectContaining({ code: "CONFIG", field: "onEvents" }),
    );
  });
});

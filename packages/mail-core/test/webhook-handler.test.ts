import { describe, expect, it, vi } from "vitest";
import { createWebhookHandler, type MailEvent, type WebhookDefinition } from "../src/index.js";
import { WebhookError, type WebhookRequest } from "../src/provider.js";

const URL_ = "https://app.example/webhooks/test";

function event(overrides: Partial<MailEvent> = {}): MailEvent {
  return {
    type: "delivered",
    provider: "test",
    messageId: "m-1",
    recipient: "to@example.com",
    timestamp: new Date(0),
    vendorType: "Delivery",
    tags: [],
    metadata: {},
    raw: {},
    ...overrides,
  };
}

/** A definition whose verify/parse do what a test scripts, and which records what it was handed. */
function scripted(
  verify: (request: WebhookRequest) => void | Promise<void> = () => {},
  parse: WebhookDefinition["parse"] = () => [event()],
) {
  const seen: WebhookRequest[] = [];
  const definition: WebhookDefinition = {
    provider: "test",
    verify: (request) => {
      seen.push(request);
      return verify(request);
    },
    parse,
  };
  return { definition, seen };
}

const post = (body: NonNullable<RequestInit["body"]>, headers: Record<string, string> = {}) =>
  new Request(URL_, { method: "POST", body, headers });

describe("createWebhookHandler", () => {
  it("hands the raw bytes to verify and parse, the events to onEvents, and answers 200 after onEvents resolved", async () => {
    const body = new Uint8Array([0x7b, 0x0d, 0x0a, 0x7d, 0xff]);
    const order: string[] = [];
    const { definition, seen } = scripted(undefined, (request) => {
      order.push("parse");
      expect(request.body).toEqual(body);
      return [event(), event({ type: "unknown", vendorType: "new_thing" })];
    });
    let release!: () => void;
    const onEvents = vi.fn(
      (_events: readonly MailEvent[]) =>
        new Promise<void>((resolve) => {
          release = () => {
            order.push("stored");
            resolve();
          };
        }),
    );
    const answer = createWebhookHandler(definition, { onEvents })(post(body, { "x-sig": "s" }));
    await vi.waitFor(() => expect(onEvents).toHaveBeenCalled());
    let settled = false;
    void answer.then(() => (settled = true));
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(settled).toBe(false);
    release();
    const response = await answer;
    expect(response.status).toBe(200);
    expect(response.body).toBeNull();
    expect(order).toEqual(["parse", "stored"]);
    expect(seen[0]!.body).toEqual(body);
    expect(seen[0]!.method).toBe("POST");
    expect(seen[0]!.url.href).toBe(URL_);
    expect(seen[0]!.headers.get("x-sig")).toBe("s");
    expect(onEvents.mock.calls[0]![0].map((e: MailEvent) => e.type)).toEqual(["delivered", "unknown"]);
  });

  it.each([401, 403, 400] as const)(
    "answers a WebhookError %i from verify or parse with its status and text",
    async (status) => {
      const fail = () => {
        throw new WebhookError(status, `refused ${status}`, { "www-authenticate": "Basic" });
      };
      const onEvents = vi.fn();
      for (const { definition } of [scripted(fail), scripted(undefined, fail)]) {
        const response = await createWebhookHandler(definition, { onEvents })(post("{}"));
        expect(response.status).toBe(status);
        expect(await response.text()).toBe(`refused ${status}`);
        expect(response.headers.get("www-authenticate")).toBe("Basic");
      }
      expect(onEvents).not.toHaveBeenCalled();
    },
  );

  it("never parses a request that failed verification", async () => {
    const parse = vi.fn(() => [event()]);
    const { definition } = scripted(() => {
      throw new WebhookError(401, "no");
    }, parse);
    await createWebhookHandler(definition, { onEvents: () => {} })(post("{}"));
    expect(parse).not.toHaveBeenCalled();
  });

  it("answers 503 when onEvents rejects, without its error text, so the vendor sends the batch again", async () => {
    const { definition } = scripted();
    const response = await createWebhookHandler(definition, {
      onEvents: () => Promise.reject(new Error("db password=hunter2 refused")),
    })(post("{}"));
    expect(response.status).toBe(503);
    expect(response.headers.get("retry-after")).toBeNull();
    expect(await response.text()).not.toContain("hunter2");
  });

  it("answers 503 for an unexpected error in verify, without its text", async () => {
    const { definition } = scripted(() => {
      throw new Error("secret-key-123 broke");
    });
    const response = await createWebhookHandler(definition, { onEvents: () => {} })(post("{}"));
    expect(response.status).toBe(503);
    expect(await response.clone().text()).toBe("the test webhook failed; send it again");
    expect(await response.text()).not.toContain("secret-key-123");
  });

  it("returns the protocol response parse gives (e.g. a subscription confirmation) without calling onEvents", async () => {
    const onEvents = vi.fn();
    const { definition } = scripted(undefined, () => ({
      response: new Response("confirmed", { status: 200 }),
    }));
    const response = await createWebhookHandler(definition, { onEvents })(post("{}"));
    expect(response.status).toBe(200);
    expect(await response.text()).toBe("confirmed");
    expect(onEvents).not.toHaveBeenCalled();
  });

  it("answers 200 without calling onEvents for a batch with no events", async () => {
    const onEvents = vi.fn();
    const { definition } = scripted(undefined, () => []);
    expect((await createWebhookHandler(definition, { onEvents })(post("[]"))).status).toBe(200);
    expect(onEvents).not.toHaveBeenCalled();
  });

  it.each(["GET", "PUT", "DELETE"])(
    "answers %s with 405 and Allow: POST, touching nothing",
    async (method) => {
      const { definition, seen } = scripted();
      const request = new Request(URL_, { method, ...(method !== "GET" && { body: "{}" }) });
      const response = await createWebhookHandler(definition, { onEvents: () => {} })(request);
      expect(response.status).toBe(405);
      expect(response.headers.get("allow")).toBe("POST");
      expect(seen).toEqual([]);
    },
  );

  it("answers 413 for a declared Content-Length over the limit without reading the body", async () => {
    let pulls = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulls++;
        controller.enqueue(new Uint8Array(1024));
      },
    });
    const { definition, seen } = scripted();
    const request = new Request(URL_, {
      method: "POST",
      body: stream,
      headers: { "content-length": "2048" },
      duplex: "half",
    } as RequestInit);
    const response = await createWebhookHandler(definition, { onEvents: () => {}, maxBodyBytes: 1000 })(
      request,
    );
    expect(response.status).toBe(413);
    expect(seen).toEqual([]);
    expect(pulls).toBeLessThanOrEqual(1); // a ReadableStream may pull once to fill its queue
  });

  it("answers 413 for an endless streamed body, stopping as soon as it passes the limit", async () => {
    let sent = 0;
    let cancelled = false;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        sent += 1024;
        controller.enqueue(new Uint8Array(1024));
      },
      cancel() {
        cancelled = true;
      },
    });
    const { definition, seen } = scripted();
    const request = new Request(URL_, { method: "POST", body: stream, duplex: "half" } as RequestInit);
    const response = await createWebhookHandler(definition, { onEvents: () => {}, maxBodyBytes: 10_000 })(
      request,
    );
    expect(response.status).toBe(413);
    expect(await response.text()).toBe("the body is larger than 10000 bytes");
    expect(sent).toBeLessThanOrEqual(10_000 + 3 * 1024);
    expect(cancelled).toBe(true);
    expect(seen).toEqual([]);
  });

  it("accepts a body of exactly the limit", async () => {
    const { definition, seen } = scripted();
    const response = await createWebhookHandler(definition, { onEvents: () => {}, maxBodyBytes: 5 })(
      post("12345"),
    );
    expect(response.status).toBe(200);
    expect(seen[0]!.body.byteLength).toBe(5);
  });

  it("defaults to the vendor's limit, else 1 MiB; the option overrides either", async () => {
    const { definition } = scripted();
    const handler = createWebhookHandler(definition, { onEvents: () => {} });
    expect((await handler(post(new Uint8Array(1024 * 1024)))).status).toBe(200);
    expect((await handler(post(new Uint8Array(1024 * 1024 + 1)))).status).toBe(413);
    const vendor = createWebhookHandler({ ...definition, maxBodyBytes: 10 }, { onEvents: () => {} });
    expect((await vendor(post(new Uint8Array(10)))).status).toBe(200);
    expect((await vendor(post(new Uint8Array(11)))).status).toBe(413);
    const wider = createWebhookHandler(
      { ...definition, maxBodyBytes: 10 },
      { onEvents: () => {}, maxBodyBytes: 11 },
    );
    expect((await wider(post(new Uint8Array(11)))).status).toBe(200);
  });
});

describe("createWebhookHandler logs nothing", () => {
  it("on any path: 200, 401, 400, 413, 405, and the 503s of a throwing verify or onEvents", async () => {
    const spies = (["log", "info", "warn", "error", "debug", "trace"] as const).map((method) =>
      vi.spyOn(console, method).mockImplementation(() => {}),
    );
    try {
      const secret = "whsec_c2VjcmV0LXNpZ25pbmcta2V5";
      const fails = (status: 400 | 401) => () => {
        throw new WebhookError(status, "refused");
      };
      const answers = await Promise.all([
        createWebhookHandler(scripted().definition, { onEvents: () => {} })(post("{}")),
        createWebhookHandler(scripted(fails(401)).definition, { onEvents: () => {} })(post(secret)),
        createWebhookHandler(scripted(undefined, fails(400)).definition, { onEvents: () => {} })(post("{")),
        createWebhookHandler(scripted().definition, { onEvents: () => {}, maxBodyBytes: 1 })(post("{}")),
        createWebhookHandler(scripted().definition, { onEvents: () => {} })(new Request(URL_)),
        createWebhookHandler(
          scripted(() => {
            throw new Error(`verify broke on ${secret}`);
          }).definition,
          { onEvents: () => {} },
        )(post("{}")),
        createWebhookHandler(scripted().definition, {
          onEvents: () => Promise.reject(new Error(`store refused ${secret}`)),
        })(post("{}")),
      ]);
      expect(answers.map((response) => response.status)).toEqual([200, 401, 400, 413, 405, 503, 503]);
      for (const response of answers) expect(await response.text()).not.toContain(secret);
      expect(spies.flatMap((spy) => spy.mock.calls)).toEqual([]);
    } finally {
      for (const spy of spies) spy.mockRestore();
    }
  });
});

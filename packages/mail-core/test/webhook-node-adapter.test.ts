import {
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { createWebhookHandler, toNodeHandler, type WebhookDefinition } from "../src/index.js";
import { WebhookError, type WebhookRequest } from "../src/provider.js";

let server: Server | undefined;

afterEach(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

/** A definition that records each request it verifies and accepts it. */
function recording() {
  const seen: WebhookRequest[] = [];
  const definition: WebhookDefinition = {
    provider: "test",
    verify: (request) => {
      seen.push(request);
    },
    parse: () => [],
  };
  return { definition, seen };
}

async function listen(listener: (req: IncomingMessage, res: ServerResponse) => void): Promise<string> {
  server = createServer(listener);
  await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server!.address() as AddressInfo).port}`;
}

/** POSTs `chunks` one by one (chunked transfer encoding) and returns the status and text of the answer. */
function postChunks(
  url: string,
  chunks: readonly Uint8Array[],
  headers: Record<string, string> = {},
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: "POST", headers }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (text += chunk));
      res.on("end", () => resolve({ status: res.statusCode!, text }));
    });
    req.on("error", reject);
    for (const chunk of chunks) req.write(chunk);
    req.end();
  });
}

describe("toNodeHandler on a real node:http server", () => {
  it("hands over the raw body byte for byte (CRLF, non-UTF-8 bytes), the method, the URL and repeated headers", async () => {
    const { definition, seen } = recording();
    const url = await listen(toNodeHandler(createWebhookHandler(definition, { onEvents: () => {} })));
    const body = Buffer.concat([Buffer.from('[{"a":1}\r\n,{"b":"é"}]\r\n'), Buffer.from([0xff, 0x00])]);
    const answer = await postChunks(`${url}/hooks/x?token=abc`, [body.subarray(0, 5), body.subarray(5)], {
      "x-signature": "sig",
    });
    expect(answer.status).toBe(200);
    expect(Buffer.from(seen[0]!.body)).toEqual(body);
    expect(seen[0]!.url.pathname).toBe("/hooks/x");
    expect(seen[0]!.url.searchParams.get("token")).toBe("abc");
    expect(seen[0]!.headers.get("x-signature")).toBe("sig");
  });

  it("writes the handler's status, headers and text", async () => {
    const definition: WebhookDefinition = {
      provider: "test",
      verify: () => {
        throw new WebhookError(401, "no credentials", { "www-authenticate": "Basic" });
      },
      parse: () => [],
    };
    const url = await listen(toNodeHandler(createWebhookHandler(definition, { onEvents: () => {} })));
    const answer = await new Promise<{ status: number; auth: string | undefined; text: string }>(
      (resolve) => {
        const req = httpRequest(url, { method: "POST" }, (res) => {
          let text = "";
          res.on("data", (chunk) => (text += chunk));
          res.on("end", () =>
            resolve({ status: res.statusCode!, auth: res.headers["www-authenticate"] as string, text }),
          );
        });
        req.end("{}");
      },
    );
    expect(answer).toEqual({ status: 401, auth: "Basic", text: "no credentials" });
  });

  it("answers 413 to a streamed body over the limit and stops reading it", async () => {
    const { definition, seen } = recording();
    let received = 0;
    const handler = toNodeHandler(
      createWebhookHandler(definition, { onEvents: () => {}, maxBodyBytes: 64 * 1024 }),
    );
    const url = await listen((req, res) => {
      req.on("data", (chunk: Buffer) => (received += chunk.length));
      handler(req, res);
    });
    const status = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(url, { method: "POST" }, (res) => {
        res.resume();
        resolve(res.statusCode!);
        req.destroy();
      });
      req.on("error", (error) => (req.destroyed ? undefined : reject(error)));
      const chunk = Buffer.alloc(16 * 1024);
      // Keeps sending (up to 64 MiB) until the answer arrives.
      let sent = 0;
      const pump = () => {
        while (sent < 64 * 1024 * 1024 && !req.destroyed) {
          sent += chunk.length;
          if (!req.write(chunk)) return void req.once("drain", pump);
        }
      };
      pump();
    });
    expect(status).toBe(413);
    expect(seen).toEqual([]);
    expect(received).toBeLessThan(8 * 1024 * 1024);
  });

  it("answers a post its headers do not authenticate at once, reading none of its body, and closes the connection", async () => {
    let read = false;
    let readBeforeAnswer: boolean | undefined;
    const definition: WebhookDefinition = {
      provider: "test",
      verifyHeaders: () => {
        throw new WebhookError(401, "the webhook request carries no valid credentials");
      },
      parse: () => [],
    };
    const handler = toNodeHandler(createWebhookHandler(definition, { onEvents: () => {} }));
    const url = await listen((req, res) => {
      const iterate = req[Symbol.asyncIterator].bind(req);
      req[Symbol.asyncIterator] = () => {
        read = true;
        return iterate();
      };
      for (const method of ["read", "on", "pipe"] as const) {
        const original = req[method].bind(req) as (...args: unknown[]) => unknown;
        (req as unknown as Record<string, unknown>)[method] = (...args: unknown[]) => {
          if (method !== "on" || args[0] === "data" || args[0] === "readable") read = true;
          return original(...args);
        };
      }
      // Node itself drains what is left once the answer is written (before the adapter closes the connection).
      const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
      res.end = ((...args: unknown[]) => {
        readBeforeAnswer = read;
        return end(...args);
      }) as typeof res.end;
      handler(req, res);
    });
    // Declares 5 MiB, sends 1 KiB and stalls: the answer must not wait for the rest.
    const answer = await new Promise<{ status: number; connection: string | undefined }>(
      (resolve, reject) => {
        const req = httpRequest(
          url,
          { method: "POST", headers: { "content-length": String(5 * 1024 * 1024) } },
          (res) => {
            res.resume();
            resolve({ status: res.statusCode!, connection: res.headers.connection });
            req.destroy();
          },
        );
        req.on("error", (error) => (req.destroyed ? undefined : reject(error)));
        req.write(Buffer.alloc(1024));
      },
    );
    expect(answer).toEqual({ status: 401, connection: "close" });
    expect(readBeforeAnswer).toBe(false);
  });

  it("uses a raw Buffer a body parser left in req.body (express.raw), or req.rawBody", async () => {
    const { definition, seen } = recording();
    const handler = toNodeHandler(createWebhookHandler(definition, { onEvents: () => {} }));
    const url = await listen(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const raw = Buffer.concat(chunks);
      const parsed =
        req.url === "/raw-body" ? { rawBody: raw, body: JSON.parse(raw.toString()) } : { body: raw };
      handler(Object.assign(req, parsed), res);
    });
    for (const path of ["/buffer", "/raw-body"]) {
      const answer = await postChunks(`${url}${path}`, [Buffer.from('{"x": 1}\r\n')]);
      expect(answer.status).toBe(200);
    }
    expect(seen.map((request) => Buffer.from(request.body).toString())).toEqual([
      '{"x": 1}\r\n',
      '{"x": 1}\r\n',
    ]);
  });

  it("refuses a body express.json() already parsed, saying how to mount the route", async () => {
    const { definition, seen } = recording();
    const handler = toNodeHandler(createWebhookHandler(definition, { onEvents: () => {} }));
    const url = await listen(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      handler(Object.assign(req, { body: JSON.parse(Buffer.concat(chunks).toString()) }), res);
    });
    const answer = await postChunks(url, [Buffer.from('{"x":1}')], { "content-type": "application/json" });
    expect(answer.status).toBe(500);
    expect(answer.text).toContain("a body parser already consumed this webhook request");
    expect(answer.text).toContain("express.raw(");
    expect(seen).toEqual([]);
  });

  it("reads the stream when a parser skipped the request and left an empty object (body-parser on another type)", async () => {
    const { definition, seen } = recording();
    const handler = toNodeHandler(createWebhookHandler(definition, { onEvents: () => {} }));
    const url = await listen((req, res) => handler(Object.assign(req, { body: {} }), res));
    const answer = await postChunks(url, [Buffer.from('{"Type":"Notification"}')], {
      "content-type": "text/plain",
    });
    expect(answer.status).toBe(200);
    expect(Buffer.from(seen[0]!.body).toString()).toBe('{"Type":"Notification"}');
  });
});

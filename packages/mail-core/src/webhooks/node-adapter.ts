// Node's http and Express-style (req, res). Uses only the objects it is given: no `node:` import, so the
// core still loads on runtimes without them.

/** What the adapter reads of a Node `IncomingMessage` (an Express request is one). */
export interface NodeWebhookRequest extends AsyncIterable<unknown> {
  readonly method?: string | undefined;
  readonly url?: string | undefined;
  /** Express keeps the mount path here; preferred over `url` when present. */
  readonly originalUrl?: string | undefined;
  readonly headers: Readonly<Record<string, string | readonly string[] | undefined>>;
  readonly rawHeaders?: readonly string[];
  /** A TLS socket has `encrypted: true`. */
  readonly socket?: object | null;
  /** Set by a body parser: a Buffer/Uint8Array or string is used as the raw body; a parsed object (stream consumed) is refused. */
  readonly body?: unknown;
  /** Raw body some frameworks keep beside a parsed one. */
  readonly rawBody?: unknown;
  readonly readableEnded?: boolean;
  readonly complete?: boolean;
  destroy?(): void;
}

/** What the adapter writes to a Node `ServerResponse`. */
export interface NodeWebhookResponse {
  statusCode: number;
  setHeader(name: string, value: string | readonly string[]): unknown;
  end(chunk?: Uint8Array, callback?: () => void): unknown;
}

const encoder = new TextEncoder();

/** The raw body a body parser left, or undefined when none ran; throws when it left only a parsed object. */
function preReadBody(req: NodeWebhookRequest): Uint8Array | undefined {
  for (const value of [req.rawBody, req.body]) {
    if (value instanceof Uint8Array) return value;
    if (typeof value === "string") return encoder.encode(value);
  }
  // A parser that skipped the request (body-parser's json() on SNS's text/plain) leaves `{}` and the stream unread.
  const consumed = req.readableEnded === true || (req as { _body?: unknown })._body === true;
  if (consumed) {
    throw new Error(
      "a body parser already consumed this webhook request and kept no raw bytes, which the signature covers: mount the webhook before any body parser (e.g. before express.json()), or use express.raw({ type: () => true }) on its route",
    );
  }
  return undefined;
}

// The request's bytes, read only when the handler reads them: a post refused on its headers is never read.
function streamOf(req: NodeWebhookRequest): ReadableStream<Uint8Array> {
  let iterator: AsyncIterator<unknown> | undefined;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        iterator ??= req[Symbol.asyncIterator]();
        const { done, value } = await iterator.next();
        if (done) controller.close();
        else controller.enqueue(typeof value === "string" ? encoder.encode(value) : (value as Uint8Array));
      },
      async cancel() {
        await iterator?.return?.();
      },
    },
    { highWaterMark: 0 },
  );
}

function headersOf(req: NodeWebhookRequest): Headers {
  const headers = new Headers();
  const raw = req.rawHeaders;
  if (raw) {
    for (let i = 0; i + 1 < raw.length; i += 2) {
      if (!raw[i]!.startsWith(":")) headers.append(raw[i]!, raw[i + 1]!);
    }
    return headers;
  }
  for (const [name, value] of Object.entries(req.headers)) {
    if (name.startsWith(":") || value === undefined) continue;
    for (const item of typeof value === "string" ? [value] : value) headers.append(name, item);
  }
  return headers;
}

/** A standard Request for a Node request: the same method, URL, headers and raw body bytes. */
export function toWebRequest(req: NodeWebhookRequest): Request {
  const headers = headersOf(req);
  const protocol = (req.socket as { encrypted?: boolean } | null | undefined)?.encrypted ? "https" : "http";
  const url = new URL(
    req.originalUrl ?? req.url ?? "/",
    `${protocol}://${headers.get("host") ?? "localhost"}`,
  );
  const method = (req.method ?? "GET").toUpperCase();
  if (method === "GET" || method === "HEAD") return new Request(url, { method, headers });
  const body = preReadBody(req);
  if (body !== undefined) {
    // The bytes are already here: the length a client declared no longer applies to them.
    headers.delete("content-length");
    return new Request(url, { method, headers, body: body as Uint8Array<ArrayBuffer> });
  }
  return new Request(url, { method, headers, body: streamOf(req), duplex: "half" } as RequestInit);
}

/**
 * Adapter for Node's http and Express-style (req, res): hands the handler the raw body as a stream it reads only
 * once the headers passed (or req.rawBody / a Buffer or string req.body if a body parser already ran; a
 * parsed-object body is refused with 500 and a text saying how to mount the route, since signatures need the raw
 * bytes), then writes the handler's Response; a body left unread is not waited for: the connection is closed.
 */
export function toNodeHandler(
  handler: (request: Request) => Promise<Response>,
): (req: NodeWebhookRequest, res: NodeWebhookResponse) => void {
  return (req, res) => {
    void (async () => {
      let response: Response;
      try {
        response = await handler(toWebRequest(req));
      } catch (error) {
        response = new Response(error instanceof Error ? error.message : "the webhook failed", {
          status: 500,
          headers: { "content-type": "text/plain; charset=utf-8" },
        });
      }
      const body = new Uint8Array(await response.arrayBuffer());
      res.statusCode = response.status;
      for (const [name, value] of response.headers) res.setHeader(name, value);
      // Whatever the handler left unread (refused on its headers, or over the limit) is not worth receiving: close
      // the connection once the answer is out. A client still sending may then see a reset rather than the answer.
      const unread = req.complete === false;
      if (unread) res.setHeader("connection", "close");
      res.end(body, () => {
        if (unread && req.complete === false) req.destroy?.();
      });
    })();
  };
}

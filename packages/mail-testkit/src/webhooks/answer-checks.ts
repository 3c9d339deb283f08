import { WebhookError } from "@posse/mail-core/provider";
import { findSecret, recordConsole } from "@posse/mail-core/testing";
import { describe, expect, it } from "vitest";
import { expectRefused, refusalRows } from "./refusal.js";
import { answersOf, type WebhookConformance } from "./spec.js";
import type { WebhookTester } from "./tester.js";

/** Valid and forged posts: accepted once, refused with the vendor's status and challenge. */
export function describeAuthenticity<Options, Payload, Config>(
  spec: WebhookConformance<Options, Payload, Config>,
  tester: WebhookTester<Options, Payload>,
): void {
  const answers = answersOf(spec);
  it(`accepts a valid post with ${answers.accepted}, hands its events over, echoes no secret and logs nothing`, async () => {
    const console_ = recordConsole();
    try {
      const answer = await tester.deliver(tester.valid(spec.sample));
      expect(answer.status, answer.text).toBe(answers.accepted);
      expect(answer.events.length).toBeGreaterThan(0);
      expect(answer.events.every((event) => event.provider === spec.provider)).toBe(true);
      expect(findSecret(answer.text, spec.secrets)).toBeUndefined();
      expect(console_.calls()).toEqual([]);
    } finally {
      console_.restore();
    }
  });

  describe(`refuses a forged post with ${answers.forged}${spec.challenge ? ` and a ${spec.challenge} challenge` : ""}, handing nothing over, echoing no secret, logging nothing`, () => {
    it.each(refusalRows(spec.forged))("%s", async (_, post, text) => {
      const answer = await expectRefused(() => tester.deliver(post()), {
        status: answers.forged,
        text,
        secrets: spec.secrets,
      });
      expect(answer.headers.get("www-authenticate")?.split(" ")[0]).toBe(spec.challenge);
    });
  });

  const headers = spec.signatureHeaders ?? [];
  if (headers.length > 0) {
    it.each(headers)(`refuses a valid post without its %s header with ${answers.forged}`, async (name) => {
      const valid = tester.valid(spec.sample);
      const without = new Headers(valid.headers);
      without.delete(name);
      const post = new Request(valid, { headers: without });
      await expectRefused(() => tester.deliver(post), {
        status: answers.forged,
        text: `missing ${name} header`,
        secrets: spec.secrets,
      });
    });
  }

  const { forbidden } = spec;
  if (forbidden !== undefined) {
    describe(`refuses an authentic post its settings do not allow with ${answers.forbidden}`, () => {
      it.each(refusalRows(forbidden))("%s", async (_, post, text) => {
        await expectRefused(() => tester.deliver(post()), {
          status: answers.forbidden,
          text,
          secrets: spec.secrets,
        });
      });
    });
  }
}

/** Stale and replayed posts, for vendors that sign a time or a single-use value. */
export function describeFreshness<Options, Payload, Config>(
  spec: WebhookConformance<Options, Payload, Config>,
  tester: WebhookTester<Options, Payload>,
): void {
  const answers = answersOf(spec);
  const { stale, replayed } = spec;
  if (stale !== undefined) {
    const window = stale.toleranceSeconds;
    it.each([-(window + 1), window + 1])(
      `refuses a post signed %i s from now with ${answers.stale} (outside the ${window} s window)`,
      async (offset) => {
        await expectRefused(() => tester.deliver(stale.at(offset)), {
          status: answers.stale,
          text: `the webhook timestamp is more than ${window} s from now`,
          secrets: spec.secrets,
        });
      },
    );
    it(`accepts posts signed ${window} s before and after now`, async () => {
      for (const offset of [-window, window]) {
        expect((await tester.deliver(stale.at(offset))).status).toBe(answers.accepted);
      }
    });
    it("widens the window to toleranceSeconds", async () => {
      const wide = { ...spec.options, toleranceSeconds: 3 * window };
      expect((await tester.deliver(stale.at(-(3 * window - 1)), wide)).status).toBe(answers.accepted);
      expect((await tester.deliver(stale.at(-(3 * window + 1)), wide)).status).toBe(answers.stale);
    });
  }
  if (replayed !== undefined) {
    it(`refuses a replayed post with ${answers.replayed}, also when the rest of it differs`, async () => {
      const endpoint = tester.endpoint();
      const [first, again] = replayed.twice();
      expect((await endpoint.post(first)).status).toBe(answers.accepted);
      const handed = endpoint.events.length;
      await expectRefused(() => endpoint.post(again), {
        status: answers.replayed,
        text: replayed.text,
        secrets: spec.secrets,
      });
      expect(endpoint.events).toHaveLength(handed);
    });
  }
}

/** The size of a request's body, and copies of the request with those bytes. */
async function copiesOf(request: Request): Promise<{ size: number; copy: () => Request }> {
  const body = new Uint8Array(await request.arrayBuffer());
  const { url, method, headers } = request;
  return { size: body.byteLength, copy: () => new Request(url, { method, headers, body }) };
}

/** `request` with a body that counts how often it is read: bytes are handed out only when asked for. */
async function countingCopy(request: Request): Promise<{ request: Request; reads: () => number }> {
  const body = new Uint8Array(await request.arrayBuffer());
  let reads = 0;
  const stream = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        reads++;
        controller.enqueue(body);
        controller.close();
      },
    },
    { highWaterMark: 0 },
  );
  const { url, method, headers } = request;
  const copy = new Request(url, { method, headers, body: stream, duplex: "half" } as RequestInit);
  return { request: copy, reads: () => reads };
}

/** Malformed and oversized bodies, other methods, and a failing `onEvents`. */
export function describeBodies<Options, Payload, Config>(
  spec: WebhookConformance<Options, Payload, Config>,
  tester: WebhookTester<Options, Payload>,
): void {
  const answers = answersOf(spec);
  const secrets = spec.secrets;
  describe(`refuses an authentic body that is not ${spec.provider}'s with ${answers.malformed}`, () => {
    it.each(Object.entries(spec.malformed))("%s", async (_, body) => {
      await expectRefused(() => tester.deliver(spec.post(body)), { status: answers.malformed, secrets });
    });
  });

  it(`refuses a valid post over maxBodyBytes with ${answers.oversized}, and accepts one of exactly the limit`, async () => {
    const { size, copy } = await copiesOf(tester.valid(spec.sample));
    const over = tester.endpoint(spec.options, { maxBodyBytes: size - 1 });
    await expectRefused(() => over.post(copy()), {
      status: answers.oversized,
      text: `the body is larger than ${size - 1} bytes`,
      secrets,
    });
    const exact = tester.endpoint(spec.options, { maxBodyBytes: size });
    expect((await exact.post(copy())).status).toBe(answers.accepted);
  });

  it(`answers ${answers.oversizedUnsigned} to a post without credentials over maxBodyBytes`, async () => {
    const { size, copy } = await copiesOf(spec.unsigned(spec.sample));
    const endpoint = tester.endpoint(spec.options, { maxBodyBytes: size - 1 });
    await expectRefused(() => endpoint.post(copy()), { status: answers.oversizedUnsigned, secrets });
  });

  if (spec.credentialsInBody !== true) {
    it(`refuses a post without credentials with ${answers.forged} before reading a byte of its body`, async () => {
      const { request, reads } = await countingCopy(spec.unsigned(spec.sample));
      await expectRefused(() => tester.deliver(request), { status: answers.forged, secrets });
      expect(reads()).toBe(0);
    });
  }

  it(`answers ${answers.method} to a GET with the valid post's headers, allowing POST`, async () => {
    const valid = tester.valid(spec.sample);
    const get = new Request(valid.url, { headers: valid.headers });
    const answer = await expectRefused(() => tester.deliver(get), { status: answers.method, secrets });
    expect(answer.headers.get("allow")).toBe("POST");
  });

  it(`answers ${answers.failed} when onEvents fails (so the vendor sends the post again), without its text`, async () => {
    const failing = tester.endpoint(spec.options, {
      onEvents: () => Promise.reject(new Error(`store refused: ${secrets.join(" ")}`)),
    });
    const answer = await failing.post(tester.valid(spec.sample));
    expect(answer.status).toBe(answers.failed);
    expect(answer.text).not.toContain("store refused");
    expect(findSecret(answer.text, secrets)).toBeUndefined();
  });

  it(`answers ${answers.failed} with the Retry-After of a full replay store that onEvents dedupes through`, async () => {
    const full = new WebhookError(503, "the replay store is full; send this post again later", {
      "retry-after": "7",
    });
    const answer = await tester
      .endpoint(spec.options, { onEvents: () => Promise.reject(full) })
      .post(tester.valid(spec.sample));
    expect([answer.status, answer.headers.get("retry-after")]).toEqual([answers.failed, "7"]);
  });
}

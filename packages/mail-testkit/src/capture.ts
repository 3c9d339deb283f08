import { http } from "msw";
import type { CapturedRequest, ProviderConformance } from "./spec.js";

/** Reads a request as a mock vendor's handler gets it into a {@link CapturedRequest}. */
export async function captureRequest(request: Request): Promise<CapturedRequest> {
  return { method: request.method, url: request.url, headers: request.headers, text: await request.text() };
}

/** Answers sends with `answer` (the vendor's success by default) and keeps every request. */
export function captureSends<Config>(
  spec: ProviderConformance<Config>,
  answer: () => Response = () => spec.success(),
): CapturedRequest[] {
  const captured: CapturedRequest[] = [];
  spec.server.use(
    http.post(spec.sendUrl, async ({ request }) => {
      captured.push(await captureRequest(request));
      return answer();
    }),
  );
  return captured;
}

/** Whether a captured request carries `value`: in its URL, a header or its body (raw, or base64 when `encoded`). */
export function carries(request: CapturedRequest, value: string, encoded = false): boolean {
  const haystacks = [request.url, request.text, ...[...request.headers.entries()].flat()];
  const forms = encoded ? [value, Buffer.from(value).toString("base64")] : [value];
  return forms.some((form) => haystacks.some((text) => text.includes(form)));
}

import type { CreateMailerOptions, Mailer } from "@posse/mail-core";
import { minimalMessage } from "@posse/mail-core/testing";
import { http } from "msw";
import { describe, expect, it } from "vitest";
import type { ProviderConformance } from "./spec.js";

/**
 * Plain-http endpoints that are not this machine: an address on another host, and a name under
 * `localhost`, which the system resolver may send to the network's DNS.
 */
const ANOTHER_MACHINE = ["http://192.0.2.2:8080", "http://api.localhost:8080"];

/**
 * Defines the plain-http check: an `http://` endpoint on another machine is refused with `CONFIG` before any
 * request (the key and the message would cross the network in clear), naming the source, never the URL.
 * The endpoint is mocked by `spec.server`, so a provider that sends anyway is seen and gets a success.
 */
export function describePlainHttp<Config>(
  spec: ProviderConformance<Config>,
  mailer: (options: Partial<CreateMailerOptions>, config: Config) => Promise<Mailer>,
): void {
  const id = spec.definition.id;

  describe("refuses plain http to another machine with CONFIG before any request", () => {
    it.each(ANOTHER_MACHINE)("%s", async (origin) => {
      let requests = 0;
      spec.server.use(
        http.all(`${origin}/*`, () => {
          requests += 1;
          return spec.success();
        }),
      );
      const outcome = await mailer({}, spec.withEndpoint(origin))
        .then((sender) => sender.send(minimalMessage))
        .catch((error: unknown) => error);
      expect(outcome).toMatchObject({ name: "MailError", code: "CONFIG", provider: id });
      expect((outcome as Error).message).not.toContain(new URL(origin).hostname);
      expect(requests).toBe(0);
    });
  });
}

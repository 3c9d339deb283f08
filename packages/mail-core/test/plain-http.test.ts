import { describe, expect, it } from "vitest";
import { isLoopbackHost, MailError, refusePlainHttp } from "../src/index.js";

describe("isLoopbackHost", () => {
  it.each(["localhost", "LOCALHOST", "api.localhost", "127.0.0.1", "127.1.2.3", "::1", "[::1]"])(
    "%s is this machine",
    (host) => expect(isLoopbackHost(host)).toBe(true),
  );
  it.each([
    "example.com",
    "localhost.example.com",
    "10.0.0.1",
    "128.0.0.1",
    "::2",
    "0.0.0.0",
    "127.0.0.1.nip.io",
  ])("%s is another machine", (host) => expect(isLoopbackHost(host)).toBe(false));
});

describe("refusePlainHttp", () => {
  it.each([
    "https://api.example.com",
    "http://127.0.0.1:8080/base",
    "http://localhost:3000",
    "http://[::1]:9",
  ])("accepts %s", (url) => expect(() => refusePlainHttp("acme", url, "endpoint")).not.toThrow());

  it.each(["http://api.example.com", "http://10.0.0.5:8080", "ftp://127.0.0.1", "api.example.com"])(
    "refuses %s with CONFIG naming the source, never the URL",
    (url) => {
      let error: unknown;
      try {
        refusePlainHttp("acme", url, "ACME_BASE_URL");
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(MailError);
      expect(error).toMatchObject({ code: "CONFIG", provider: "acme", retryable: false });
      expect((error as Error).message).toContain("ACME_BASE_URL");
      expect((error as Error).message).not.toContain(url);
    },
  );
});

import { describe, expect, it } from "vitest";
import { MailError } from "../src/index.js";
import { isLoopbackAddress, isLoopbackHost, refusePlainHttp, sendsPasswordInClear } from "../src/provider.js";

describe("isLoopbackHost", () => {
  it.each(["localhost", "LOCALHOST", "127.0.0.1", "127.1.2.3", "::1", "[::1]"])(
    "%s is this machine",
    (host) => expect(isLoopbackHost(host)).toBe(true),
  );
  it.each([
    // The system resolver may send a name under localhost to the network's DNS, as SMTP's rule says.
    "api.localhost",
    "example.com",
    "localhost.example.com",
    "10.0.0.1",
    "128.0.0.1",
    "::2",
    "0.0.0.0",
    "127.0.0.1.nip.io",
  ])("%s is another machine", (host) => expect(isLoopbackHost(host)).toBe(false));
});

describe("isLoopbackAddress", () => {
  it.each(["localhost", "127.0.0.1", "127.8.9.10", "::1", "[::1]", "0:0:0:0:0:0:0:1", "::ffff:127.0.0.1"])(
    "%s is this machine",
    (host) => expect(isLoopbackAddress(host)).toBe(true),
  );
  it.each(["api.localhost", "localhost.example.com", "127.0.0.1.nip.io", "10.0.0.1", "::2", "0.0.0.0"])(
    "%s may be another machine",
    (host) => expect(isLoopbackAddress(host)).toBe(false),
  );
  it("every loopback address is a loopback host", () => {
    for (const host of ["127.0.0.1", "::1", "::ffff:127.0.0.1", "LocalHost"])
      expect(isLoopbackHost(host)).toBe(true);
  });
});

describe("sendsPasswordInClear", () => {
  const login = { host: "smtp.example.com", authenticates: true, encrypted: false, allowed: false };
  it("is true for credentials without TLS to another machine, without the opt-in", () => {
    expect(sendsPasswordInClear(login)).toBe(true);
    expect(sendsPasswordInClear({ ...login, host: "api.localhost" })).toBe(true);
  });
  it.each([
    ["no credentials", { authenticates: false }],
    ["TLS", { encrypted: true }],
    ["the operator's opt-in", { allowed: true }],
    ["a loopback address", { host: "::ffff:127.0.0.1" }],
  ])("is false with %s", (_, change) => expect(sendsPasswordInClear({ ...login, ...change })).toBe(false));
});

describe("refusePlainHttp", () => {
  it.each([
    "https://api.example.com",
    "http://127.0.0.1:8080/base",
    "http://localhost:3000",
    "http://[::1]:9",
  ])("accepts %s", (url) => expect(() => refusePlainHttp("acme", url, "endpoint")).not.toThrow());

  it.each([
    "http://api.example.com",
    "http://10.0.0.5:8080",
    "http://api.localhost:8080",
    "ftp://127.0.0.1",
    "api.example.com",
  ])("refuses %s with CONFIG naming the source, never the URL", (url) => {
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
  });
});

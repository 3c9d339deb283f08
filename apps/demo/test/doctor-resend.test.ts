// `demo doctor` against a real first-party provider package, its vendor API mocked by MSW (no internet).
import "@posse/mail-resend";
import { HttpResponse, http } from "msw";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { doctor } from "../src/doctor.js";
import { collector } from "./helpers.js";

const API = "https://api.resend.test";
const SECRET = "re_doctor_SECRET_4242";
const server = setupServer();

beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

async function runDoctor() {
  const out = collector();
  const err = collector();
  const code = await doctor({
    env: { MAIL_FROM_ADDRESS: "App <app@example.com>", RESEND_API_KEY: SECRET },
    out,
    err,
    mailer: { config: { resend: { endpoint: API } } },
  });
  return { code, out: out.text(), err: err.text() };
}

describe("doctor with Resend configured", () => {
  it("verifies the key with Resend and exits 0", async () => {
    const seen: string[] = [];
    server.use(
      http.get(`${API}/domains`, ({ request }) => {
        seen.push(request.headers.get("authorization") ?? "");
        return HttpResponse.json({ data: [] });
      }),
    );
    const { code, out, err } = await runDoctor();
    expect(code).toBe(0);
    expect(seen).toEqual([`Bearer ${SECRET}`]);
    expect(out).toMatch(/\nresend +Resend +yes, chosen +RESEND_API_KEY set\n/);
    expect(out).toContain("Verifying resend… ok");
    expect(out + err).not.toContain(SECRET);
  });

  it("reports a refused key as AUTH with a hint naming the variable, never its value", async () => {
    server.use(
      http.get(`${API}/domains`, () =>
        HttpResponse.json(
          { name: "validation_error", message: "API key is invalid", statusCode: 401 },
          { status: 401 },
        ),
      ),
    );
    const { code, out, err } = await runDoctor();
    expect(code).toBe(1);
    expect(out).toContain("Verifying resend… failed");
    expect(err).toMatch(/^error AUTH \(resend\): /);
    expect(err).toContain("hint: the provider refused the credentials: check RESEND_API_KEY");
    expect(out + err).not.toContain(SECRET);
  });
});

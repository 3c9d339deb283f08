import { mkdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { locateSystemTool, startRedis, type TestRedis } from "@posse/test-tools";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LocalInbox } from "../src/inbox/local-inbox.js";
import { runDemo } from "../src/run-demo.js";
import { postSampleEvents, sampleTargets } from "../src/webhooks/post-samples.js";
import { hostileMessage } from "./fixtures.js";
import { collector } from "./helpers.js";

// CHROMIUM_PATH, else `chromium` on PATH, as npm test's preflight checks; without either this file fails at
// once, naming the command that installs it.
const executablePath = locateSystemTool("Chromium", process.env);
const resultsDir = fileURLToPath(new URL("../test-results/", import.meta.url));

let inbox: LocalInbox;
let browser: Browser;
let redis: TestRedis;

beforeAll(async () => {
  mkdirSync(resultsDir, { recursive: true });
  // Through the queue, as `demo --queue` does: the page also shows each job.
  redis = await startRedis();
  const run = await runDemo({
    env: {},
    queue: redis.url,
    out: collector(),
    emails: { now: new Date("2025-03-01T12:00:00Z"), code: "271828", token: "browser-token" },
  });
  inbox = run.inbox!;
  // The delivery events a person sees after `demo --events`: signed samples of every vendor, and one forged.
  await postSampleEvents({
    inboxUrl: inbox.web.url,
    secrets: inbox.webhookSecrets,
    targets: sampleTargets(
      inbox.smtp.messages,
      run.receipts.map((receipt) => receipt.messageId),
    ),
    out: collector(),
  });
  browser = await chromium.launch({
    executablePath,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
});

afterAll(async () => {
  await browser?.close();
  await inbox?.close();
  await redis?.stop();
});

async function openMessage(page: Page, subject: string): Promise<void> {
  await page.goto(inbox.web.url);
  await page.getByRole("link", { name: subject }).click();
  await page.getByTestId("subject").filter({ hasText: subject }).waitFor();
}

describe("the inbox page in Chromium", () => {
  it("lists the three e-mails and shows the sign-in e-mail's HTML inside the sandboxed iframe", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 1700 } });
    try {
      await page.goto(inbox.web.url);
      const subjects = await page.locator("table.list tbody a").allTextContents();
      expect(subjects).toEqual(
        expect.arrayContaining([
          "Your POSSE Party sign-in link",
          "Your LinkedIn connection expires in 3 days",
          "[POSSE Party] PublishError in POST /posts/42/syndicate?network=linkedin",
        ]),
      );
      await openMessage(page, "Your POSSE Party sign-in link");
      const frame = page.frameLocator('iframe[title="HTML body"]');
      await expect(frame.getByRole("heading", { level: 1 }).textContent()).resolves.toBe(
        "Sign in to POSSE Party",
      );
      await expect(frame.getByTestId("code").textContent()).resolves.toBe("271828");
      await expect(
        frame.getByRole("link", { name: "Sign in to POSSE Party" }).getAttribute("href"),
      ).resolves.toBe("https://posse-party.example/sign-in/browser-token");
      await expect(page.getByTestId("text").textContent()).resolves.toContain("one-time code: 271828");
      await page.screenshot({ path: `${resultsDir}inbox-sign-in.png` });
    } finally {
      await page.close();
    }
  });

  it("shows the error report with its escaped message and a working attachment download", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 1700 } });
    try {
      await openMessage(page, "[POSSE Party] PublishError in POST /posts/42/syndicate?network=linkedin");
      const frame = page.frameLocator('iframe[title="HTML body"]');
      await expect(frame.getByRole("heading", { level: 1 }).textContent()).resolves.toBe("PublishError");
      await expect(frame.getByTestId("error-message").textContent()).resolves.toBe(
        'Could not publish post #42 to LinkedIn: token for "<ada>" & co. is missing',
      );
      await page.screenshot({ path: `${resultsDir}inbox-error-report.png` });
      const link = page.getByRole("link", { name: "stack-trace-req_7f3a9c.txt" });
      expect(await link.getAttribute("href")).toMatch(/^\/messages\/\d+\/attachments\/0$/);
      const [download] = await Promise.all([page.waitForEvent("download"), link.click()]);
      expect(download.suggestedFilename()).toBe("stack-trace-req_7f3a9c.txt");
      const content = readFileSync(await download.path(), "utf8");
      expect(content).toMatch(
        /^PublishError: Could not publish post #42[\s\S]*\n\s+at [\s\S]*Caused by: TypeError/,
      );
    } finally {
      await page.close();
    }
  });

  it("shows each message's delivery events as a timeline, and the forged one nowhere", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 1100 } });
    const cells = (row: number) =>
      page.getByTestId("timeline").locator("tbody tr").nth(row).locator("td").allInnerTexts();
    try {
      await page.goto(inbox.web.url);
      const latest = await page.locator("table.list tbody tr td:last-child .event").allTextContents();
      expect(latest).toEqual(["bounced", "clicked", "clicked"]);
      await expect(
        page.getByTestId("other-events").locator("tbody tr td").nth(2).textContent(),
      ).resolves.toBe("mailjet");

      await openMessage(page, "Your POSSE Party sign-in link");
      const rows = page.getByTestId("timeline").locator("tbody tr");
      expect(await rows.count()).toBe(3);
      const signIn = await Promise.all([0, 1, 2].map(cells));
      expect(signIn.map((row) => row.slice(1, 4))).toEqual([
        ["delivered Delivery", "amazon_ses", "ada@localhost.test"],
        ["opened Open", "postmark", "ada@localhost.test"],
        ["clicked email.clicked", "resend", "ada@localhost.test"],
      ]);
      expect(signIn[2]![4]).toBe("https://posse-party.example/sign-in/browser-token");
      for (const row of signIn) expect(row[0]).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$/);
      await page.screenshot({ path: `${resultsDir}inbox-timeline.png` });

      await openMessage(page, "[POSSE Party] PublishError in POST /posts/42/syndicate?network=linkedin");
      const bounce = await cells(0);
      expect(bounce.slice(1)).toEqual([
        "bounced hard_bounce",
        "brevo",
        "ada@localhost.test",
        "hard: hard_bounce\n550 5.1.1 <ada@localhost.test>: Recipient address rejected: User unknown",
      ]);
      expect(await page.getByTestId("timeline").locator("tbody tr").count()).toBe(1);
      expect(await page.content()).not.toContain("phish.example");
    } finally {
      await page.close();
    }
  });

  it("shows each queue job completed, with attempts, provider and a link to the message it sent", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 1100 } });
    try {
      await page.goto(inbox.web.url);
      const rows = page.getByTestId("jobs").locator("tbody tr");
      expect(await rows.count()).toBe(3);
      const cells = await Promise.all([0, 1, 2].map((row) => rows.nth(row).locator("td").allInnerTexts()));
      expect(cells.map((row) => row.slice(1, 5))).toEqual([
        ["sign-in link", "completed", "1", "smtp"],
        ["credential renewal", "completed", "1", "smtp"],
        ["error report", "completed", "1", "smtp"],
      ]);
      const ids = inbox.smtp.messages.map((message) => message.parsed.messageId);
      expect(cells.map((row) => row[5])).toEqual(ids);
      await page.screenshot({ path: `${resultsDir}inbox-queue-jobs.png` });
      await rows.nth(2).getByRole("link").click();
      await page
        .getByTestId("subject")
        .filter({ hasText: "[POSSE Party] PublishError in POST /posts/42/syndicate?network=linkedin" })
        .waitFor();
    } finally {
      await page.close();
    }
  });

  it("runs no script and loads nothing remote from a hostile message, but shows its inline image", async () => {
    const tracker = new URL("tracker.png", inbox.web.url).href;
    await inbox.smtp.deliver(hostileMessage(tracker), {
      from: "mallory@evil.test",
      to: ["ann@localhost.test"],
    });
    const page = await browser.newPage({ viewport: { width: 1280, height: 1700 } });
    // Chromium may announce a request (its preload scanner) that CSP then blocks before it leaves the
    // browser; what must never happen is a fetch that reaches a server, i.e. gets a response.
    const requested: string[] = [];
    page.on("response", (response) => requested.push(response.url()));
    try {
      await openMessage(page, "Hostile ✉ message");
      const frameElement = await page.locator('iframe[title="HTML body"]').elementHandle();
      const frame = (await frameElement!.contentFrame())!;
      await frame.waitForLoadState("load");
      await expect(frame.locator("#title").textContent()).resolves.toBe("Hostile & inline");
      expect(await frame.title()).toBe("");
      expect(await page.title()).toBe("Hostile ✉ message");
      const inline = await frame
        .locator("#inline")
        .evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth);
      const remote = await frame
        .locator("#remote")
        .evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth);
      expect(inline).toBe(1);
      expect(remote).toBe(0);
      expect(requested.filter((url) => url.includes("tracker"))).toEqual([]);
      await page.screenshot({ path: `${resultsDir}inbox-hostile.png` });
    } finally {
      await page.close();
    }
  });
});

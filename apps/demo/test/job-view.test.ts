import type { MailJobInfo } from "@posse/mail-queue";
import { describe, expect, it } from "vitest";
import { jobSection } from "../src/inbox/inbox-html.js";
import { createJobBoard } from "../src/queue/job-board.js";
import { isSettled, jobView } from "../src/queue/job-view.js";
import { redactedUrl } from "../src/queue/redacted-url.js";

const job = { id: "7", label: "sign-in link" };
const info = (fields: Partial<MailJobInfo> & Pick<MailJobInfo, "state">): MailJobInfo => ({
  id: "7",
  attempts: 0,
  ...fields,
});

describe("a job's view", () => {
  it("names each state as the page shows it, with attempts, provider and message id or the error", () => {
    expect(jobView(job, info({ state: "waiting" }))).toEqual({ ...job, state: "waiting", attempts: 0 });
    expect(jobView(job, info({ state: "prioritized" })).state).toBe("waiting");
    expect(jobView(job, info({ state: "active", attempts: 1 }))).toEqual({
      ...job,
      state: "active",
      attempts: 1,
    });
    // An attempt failed and the job waits for its retry (BullMQ: delayed, or waiting without backoff).
    expect(jobView(job, info({ state: "delayed", attempts: 1 })).state).toBe("failed");
    expect(jobView(job, info({ state: "waiting", attempts: 2 })).state).toBe("failed");
    expect(
      jobView(
        job,
        info({
          state: "completed",
          attempts: 2,
          result: { provider: "smtp", messageId: "<m1@x>", attempts: 2 },
        }),
      ),
    ).toEqual({ ...job, state: "completed", attempts: 2, provider: "smtp", messageId: "<m1@x>" });
    expect(
      jobView(
        job,
        info({
          state: "dead-lettered",
          attempts: 3,
          error: { code: "REJECTED", message: "mailbox unavailable" },
        }),
      ),
    ).toEqual({ ...job, state: "dead-lettered", attempts: 3, error: "REJECTED: mailbox unavailable" });
    expect(jobView(job, undefined)).toEqual({ ...job, state: "unknown", attempts: 0 });
  });

  it("is settled once completed, dead-lettered or gone, not while waiting, active or retrying", () => {
    const settled = (state: MailJobInfo["state"], attempts = 0) =>
      isSettled(jobView(job, info({ state, attempts })));
    expect([settled("completed"), settled("dead-lettered"), settled("unknown")]).toEqual([true, true, true]);
    expect([settled("waiting"), settled("active"), settled("delayed", 1)]).toEqual([false, false, false]);
  });
});

describe("the page's job table", () => {
  it("shows id, e-mail, state, attempts, provider, message id and error, all HTML-escaped", () => {
    const html = jobSection(
      [
        {
          id: "<j1>",
          label: "sign-in link",
          state: "completed",
          attempts: 1,
          provider: "smtp",
          messageId: "<a&b@x>",
        },
        {
          id: "2",
          label: "error report",
          state: "dead-lettered",
          attempts: 3,
          error: 'REJECTED: "<script>"',
        },
      ],
      [],
    );
    expect(html).toContain('<tr data-job-state="completed">\n<td><code>&lt;j1&gt;</code></td>');
    expect(html).toContain('<span class="job completed">completed</span></td>\n<td>1</td>\n<td>smtp</td>');
    expect(html).toContain("<code>&lt;a&amp;b@x&gt;</code>");
    expect(html).toContain('<span class="job dead-lettered">dead-lettered</span>');
    expect(html).toContain("<td>REJECTED: &quot;&lt;script&gt;&quot;</td>");
    expect(html).not.toContain("<script>");
    expect(html).not.toContain("<j1>");
  });

  it("is absent without a queue, and says so when the queue does not answer", () => {
    expect(jobSection([], [])).toBe("");
    expect(jobSection(null, [])).toContain("did not answer");
  });

  it("reads the jobs from the source on each view and closes it with the inbox", async () => {
    const board = createJobBoard();
    expect(await board.views()).toEqual([]);
    let state: MailJobInfo["state"] = "waiting";
    let closed = 0;
    board.show([job], {
      job: async (id) => info({ state, ...(id === "7" ? {} : { id }) }),
      close: async () => {
        closed += 1;
      },
    });
    expect((await board.views()).map((view) => view.state)).toEqual(["waiting"]);
    state = "active";
    expect((await board.views()).map((view) => view.state)).toEqual(["active"]);
    await board.close();
    expect(closed).toBe(1);
  });
});

describe("the Redis URL as printed", () => {
  it("is protocol, host and port only: no user, password, database or query value", () => {
    expect(redactedUrl("redis://:s3cret@127.0.0.1:6379")).toBe("redis://127.0.0.1:6379");
    expect(redactedUrl("rediss://app:s3cret@redis.example:6380/2")).toBe("rediss://redis.example:6380");
    expect(redactedUrl("redis://127.0.0.1:6379?password=s3cret")).toBe("redis://127.0.0.1:6379");
    expect(redactedUrl("redis://[::1]:6379")).toBe("redis://[::1]:6379");
    expect(redactedUrl("not a url s3cret")).toBe("(not a URL)");
  });

  it.each([
    ["#", "redis://u:1234#S3cretTail@127.0.0.1:6379"],
    ["?", "redis://u:1234?S3cretTail@127.0.0.1:6379"],
    ["/", "redis://u:1234/S3cretTail@127.0.0.1:6379"],
  ])("prints nothing of a URL whose password holds an unescaped %s", (_, url) => {
    const printed = redactedUrl(url);
    for (const part of ["1234", "S3cretTail", "u:"]) expect(printed).not.toContain(part);
    expect(printed).toContain("%23");
  });
});

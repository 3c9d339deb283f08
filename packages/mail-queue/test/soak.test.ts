// Real worker processes (the posse-mail-worker CLI), SIGKILLed mid-run and restarted, against a stub
// vendor in its own process. SOAK_MESSAGES / SOAK_WORKERS / SOAK_KILLS / SOAK_RATE size it (`npm run bench`).

import { startRedis, type TestRedis } from "@posse/test-tools";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { describeReport, runSoak } from "./process/soak.js";

const messages = Number(process.env.SOAK_MESSAGES ?? 400);
const workers = Number(process.env.SOAK_WORKERS ?? 3);
const kills = Number(process.env.SOAK_KILLS ?? 3);
const ratePerSecond = Number(process.env.SOAK_RATE ?? 100);
// At least 100 messages/s on a busy 2-core machine, or the rate limit's pace tripled, whichever is slower.
const timeoutMs = Math.max(40_000, messages * 10, (messages / ratePerSecond) * 3000);

let redis: TestRedis;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(() => redis?.stop());

describe("workers killed with SIGKILL mid-run", () => {
  it(
    "with a vendor that honours idempotency keys: none lost, none duplicated, the rate limit held",
    async () => {
      const report = await runSoak({
        redisUrl: redis.url,
        messages,
        workers,
        kills,
        ratePerSecond,
        honourKeys: true,
        timeoutMs,
      });
      console.log(describeReport("honouring vendor, keyed re-send", report, ratePerSecond));
      expect(report.kills).toBe(kills);
      expect(report.lost).toEqual([]);
      expect(report.accepted).toBe(messages);
      expect(report.duplicates).toBe(0);
      expect(report.deadLetters).toEqual([]);
      expect(report.busiestSecond).toBeLessThanOrEqual(2 * ratePerSecond);
    },
    timeoutMs + 10_000,
  );

  it(
    "with a vendor that does not: every message accepted or dead-lettered as outcome-unknown, none duplicated",
    async () => {
      const report = await runSoak({
        redisUrl: redis.url,
        messages,
        workers,
        kills,
        ratePerSecond,
        honourKeys: false,
        timeoutMs,
      });
      console.log(describeReport("plain vendor, dead-letter unknown outcomes", report, ratePerSecond));
      expect(report.kills).toBe(kills);
      expect(report.lost).toEqual([]);
      expect(report.duplicates).toBe(0);
      expect(report.accepted + report.deadLetters.length - report.deadButSent).toBe(messages);
      for (const dead of report.deadLetters)
        expect(dead.error).toMatchObject({ code: "UNKNOWN", outcomeUnknown: true });
      // The marker is written once the request's connection is ready, and the request leaves as soon as it
      // is: a dead letter that never reached the stub was killed while writing its marker (Redis applied the
      // SET, the reply was not read yet), at most a rare one per kill just after.
      expect(report.deadNeverRequested - report.killedWhileMarking).toBeLessThanOrEqual(kills);
      expect(report.busiestSecond).toBeLessThanOrEqual(2 * ratePerSecond);
    },
    timeoutMs + 10_000,
  );

  it(
    "over SMTP's pool: dead letters never sent are at most the connections held at the kills, none duplicated",
    async () => {
      const report = await runSoak({
        redisUrl: redis.url,
        messages,
        workers,
        kills,
        ratePerSecond,
        honourKeys: false,
        timeoutMs,
        vendor: "smtp",
      });
      console.log(describeReport("SMTP stub, dead-letter unknown outcomes", report, ratePerSecond));
      expect(report.kills).toBe(kills);
      expect(report.lost).toEqual([]);
      expect(report.duplicates).toBe(0);
      expect(report.accepted + report.deadLetters.length - report.deadButSent).toBe(messages);
      for (const dead of report.deadLetters)
        expect(dead.error).toMatchObject({ code: "UNKNOWN", outcomeUnknown: true });
      // Only a send holding one of a worker's 5 connections is marked: one killed before its RCPT TO reached
      // the server (while writing its marker, or while its connection opened) is dead-lettered without having
      // been sent, at most 5 per kill (sends waiting for a connection are not marked: the next run sends them).
      expect(report.deadNeverRequested).toBeLessThanOrEqual(kills * 5);
    },
    timeoutMs + 10_000,
  );
});

// A string attachment is sent as UTF-8, so its content type says so: `text/plain; charset=utf-8` when none
// is given, `; charset=utf-8` added to a text type that names none. Bytes keep the type given.
import { describe, expect, it } from "vitest";
import { isMailError, type MailAttachment, normalizeMessage } from "../src/index.js";

const FROM = { address: "app@example.com" };

function typeOf(attachment: MailAttachment): string | undefined {
  const message = normalizeMessage(
    { to: "ann@example.com", subject: "Hi", text: "Hi", attachments: [attachment] },
    FROM,
  );
  return message.attachments[0]!.contentType;
}

describe("string attachments", () => {
  it.each([
    [undefined, "text/plain; charset=utf-8"],
    ["text/plain", "text/plain; charset=utf-8"],
    ["text/csv", "text/csv; charset=utf-8"],
    ["TEXT/HTML", "TEXT/HTML; charset=utf-8"],
    ["text/calendar; method=REQUEST", "text/calendar; method=REQUEST; charset=utf-8"],
    ["text/plain; charset=utf-8", "text/plain; charset=utf-8"],
    ["text/plain; charset=UTF-8", "text/plain; charset=UTF-8"],
    ['text/plain; charset="utf8"', 'text/plain; charset="utf8"'],
    ["application/json", "application/json"],
    ["application/pdf", "application/pdf"],
  ])("labels content type %j as %j", (contentType, expected) => {
    expect(typeOf({ filename: "notes.txt", content: "Grüße, Zoë ✓", contentType })).toBe(expected);
  });

  it("refuses a text type naming another charset: the string is sent as UTF-8", () => {
    let caught: unknown;
    try {
      typeOf({ filename: "a.txt", content: "é", contentType: "text/plain; charset=iso-8859-1" });
    } catch (error) {
      caught = error;
    }
    expect(isMailError(caught)).toBe(true);
    expect(caught).toMatchObject({
      code: "INVALID_MESSAGE",
      field: "attachments[0].contentType",
      message:
        "attachments[0].contentType names a charset other than UTF-8 for string content (sent as UTF-8); pass bytes",
    });
  });
});

describe("byte attachments", () => {
  it.each([
    [undefined, undefined],
    ["text/plain", "text/plain"],
    ["text/plain; charset=iso-8859-1", "text/plain; charset=iso-8859-1"],
  ])("keep content type %j as given", (contentType, expected) => {
    expect(typeOf({ filename: "a.txt", content: Uint8Array.of(0xe9), contentType })).toBe(expected);
  });
});

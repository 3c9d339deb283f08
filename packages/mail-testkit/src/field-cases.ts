import type { MailMessage } from "@posse/mail-core";
import { minimalMessage, PNG_BYTES } from "@posse/mail-core/testing";

/** One message field, set to values no other field holds: each marker must reach the vendor, or the field is refused. */
export interface FieldCase {
  /** The message field; an `UNSUPPORTED` refusal must name it or a part of it (`attachments[0].contentType`). */
  readonly field: string;
  readonly message: MailMessage;
  /** Values that must appear in the request (raw, or base64 for attachment bytes). */
  readonly markers: readonly string[];
  /** Markers carried as bytes, which a vendor may base64-encode. */
  readonly bytes?: readonly string[];
}

const bytes = (text: string) => new TextEncoder().encode(text);

/** Every field of the message model, one at a time, each on top of the minimal message. */
export const FIELD_CASES: readonly FieldCase[] = [
  {
    field: "from",
    message: {
      ...minimalMessage,
      from: { address: "from-marker@posseparty.example", name: "Frommarker Name" },
    },
    markers: ["from-marker@posseparty.example", "Frommarker Name"],
  },
  {
    field: "to",
    message: { ...minimalMessage, to: [{ address: "to-marker@example.com", name: "Tomarker Name" }] },
    markers: ["to-marker@example.com", "Tomarker Name"],
  },
  {
    field: "cc",
    message: { ...minimalMessage, cc: [{ address: "cc-marker@example.com", name: "Ccmarker Name" }] },
    markers: ["cc-marker@example.com", "Ccmarker Name"],
  },
  {
    field: "bcc",
    message: { ...minimalMessage, bcc: ["bcc-marker@example.com"] },
    markers: ["bcc-marker@example.com"],
  },
  {
    field: "replyTo",
    message: {
      ...minimalMessage,
      replyTo: [{ address: "reply-marker@example.com", name: "Replymarker Name" }],
    },
    markers: ["reply-marker@example.com", "Replymarker Name"],
  },
  {
    field: "subject",
    message: { ...minimalMessage, subject: "Subjectmarker 7c1e" },
    markers: ["Subjectmarker 7c1e"],
  },
  { field: "text", message: { ...minimalMessage, text: "textmarker-3f9a" }, markers: ["textmarker-3f9a"] },
  {
    field: "html",
    message: { ...minimalMessage, html: "<p>htmlmarker-8d2b</p>" },
    markers: ["htmlmarker-8d2b"],
  },
  {
    field: "headers",
    message: { ...minimalMessage, headers: { "X-Headermarker-Name": "headermarker-value-5e" } },
    markers: ["X-Headermarker-Name", "headermarker-value-5e"],
  },
  {
    field: "attachments",
    message: {
      ...minimalMessage,
      attachments: [
        {
          filename: "attachmentmarker.txt",
          content: bytes("attachmentmarker-content-91"),
          contentType: "text/plain",
        },
      ],
    },
    markers: ["attachmentmarker.txt"],
    bytes: ["attachmentmarker-content-91"],
  },
  {
    field: "attachments[0].contentType",
    message: {
      ...minimalMessage,
      attachments: [
        { filename: "typed.pdf", content: bytes("typed"), contentType: "application/x-posse-typemarker" },
      ],
    },
    markers: ["application/x-posse-typemarker"],
  },
  {
    field: "attachments[0].contentId",
    message: {
      ...minimalMessage,
      html: '<p><img src="cid:cidmarker-4a@posse"></p>',
      attachments: [
        {
          filename: "inline.png",
          content: PNG_BYTES,
          contentType: "image/png",
          contentId: "cidmarker-4a@posse",
        },
      ],
    },
    markers: ["cidmarker-4a@posse"],
  },
  { field: "tags", message: { ...minimalMessage, tags: ["tagmarker-6b"] }, markers: ["tagmarker-6b"] },
  {
    field: "metadata",
    message: { ...minimalMessage, metadata: { metamarker_key: "metamarker-value-2c" } },
    markers: ["metamarker_key", "metamarker-value-2c"],
  },
  {
    field: "idempotencyKey",
    message: { ...minimalMessage, idempotencyKey: "idemmarker-0d7f" },
    markers: ["idemmarker-0d7f"],
  },
];

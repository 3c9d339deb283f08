import type { MailMessage } from "../message/message.js";

/** A one-page PDF, small enough to read in a test failure. */
export const PDF_BYTES: Uint8Array = new TextEncoder().encode(
  "%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n" +
    "3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 72 72]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n",
);

/** A 1×1 transparent PNG. */
export const PNG_BYTES: Uint8Array = Uint8Array.from(
  Buffer.from(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==",
    "base64",
  ),
);

/** Sender used by contract tests' mailers. */
export const CONTRACT_FROM = "Possy <possy@posseparty.example>";

/** The smallest message: one recipient, subject, text. */
export const minimalMessage: MailMessage = {
  to: "ann@example.com",
  subject: "Hello",
  text: "Hi Ann",
};

/** Every field of the message model, with hostile display names and unicode. */
export const fullMessage: MailMessage = {
  from: { address: "possy@posseparty.example", name: "«Possy» Party" },
  to: [{ address: "ann@example.com", name: 'Doe, Ann "Annie"' }, "bob@example.com"],
  cc: "Carol Ünïcode <carol@example.com>",
  bcc: ["dave@example.com"],
  replyTo: { address: "support@posseparty.example", name: "Support, Team" },
  subject: "Sign in to POSSE Party ✓ — ünïcødé",
  text: "Your link: https://posseparty.example/login/abc",
  html: '<p>Your <a href="https://posseparty.example/login/abc">link</a> <img src="cid:logo@posse"></p>',
  headers: { "X-Entity-Ref-ID": "ref-123" },
  attachments: [
    { filename: "report.pdf", content: PDF_BYTES, contentType: "application/pdf" },
    { filename: "logo.png", content: PNG_BYTES, contentType: "image/png", contentId: "logo@posse" },
  ],
  tags: ["login"],
  metadata: { user_id: "42" },
};

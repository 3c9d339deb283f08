// Imports every first-party provider so it registers itself: what bundlers need, and what lets
// `demo doctor` show each provider's own definition. Each package is cheap to import (no vendor SDK).
import "@posse/mail-amazon-ses";
import "@posse/mail-resend";
import "@posse/mail-mailgun";
import "@posse/mail-postmark";
import "@posse/mail-sendgrid";
import "@posse/mail-brevo";
import "@posse/mail-mailjet";
import "@posse/mail-smtp";

import { registerProvider } from "@posse/mail-core";
import { sendgridProvider } from "./provider.js";

registerProvider(sendgridProvider);

export type { SendgridConfig } from "./config.js";
export { sendgridProvider };

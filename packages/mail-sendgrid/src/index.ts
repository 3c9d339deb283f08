import { registerProvider } from "@posse/mail-core/provider";
import { sendgridProvider } from "./provider.js";

registerProvider(sendgridProvider);

export type { SendgridConfig } from "./config.js";
export { sendgridProvider };

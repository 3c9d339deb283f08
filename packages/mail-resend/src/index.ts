import { registerProvider } from "@posse/mail-core";
import { resendProvider } from "./provider.js";

registerProvider(resendProvider);

export type { ResendConfig } from "./config.js";
export { resendProvider };

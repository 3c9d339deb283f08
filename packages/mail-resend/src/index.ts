import { registerProvider } from "@posse/mail-core/provider";
import { resendProvider } from "./provider.js";

registerProvider(resendProvider);

export type { ResendConfig } from "./config.js";
export { resendProvider };

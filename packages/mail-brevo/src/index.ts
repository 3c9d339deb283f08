import { registerProvider } from "@posse/mail-core/provider";
import { brevoProvider } from "./provider.js";

registerProvider(brevoProvider);

export type { BrevoConfig } from "./config.js";
export { brevoProvider };

import { registerProvider } from "@posse/mail-core/provider";
import { postmarkProvider } from "./provider.js";

registerProvider(postmarkProvider);

export type { PostmarkConfig } from "./config.js";
export { postmarkProvider };

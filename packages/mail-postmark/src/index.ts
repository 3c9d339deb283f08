import { registerProvider } from "@posse/mail-core";
import { postmarkProvider } from "./provider.js";

registerProvider(postmarkProvider);

export type { PostmarkConfig } from "./config.js";
export { postmarkProvider };

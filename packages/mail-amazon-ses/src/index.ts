import { registerProvider } from "@posse/mail-core";
import { amazonSesProvider } from "./provider.js";

registerProvider(amazonSesProvider);

export type { AmazonSesConfig } from "./config.js";
export { amazonSesProvider };

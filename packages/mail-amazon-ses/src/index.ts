import { registerProvider } from "@posse/mail-core/provider";
import { amazonSesProvider } from "./provider.js";

registerProvider(amazonSesProvider);

export type { AmazonSesConfig } from "./config.js";
export { amazonSesProvider };

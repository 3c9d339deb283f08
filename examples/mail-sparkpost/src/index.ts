import { registerProvider } from "@posse/mail-core/provider";
import { sparkpostProvider } from "./provider.js";

// Importing the package makes MAIL_PROVIDER=sparkpost work, and blank MAIL_PROVIDER detects it from
// SPARKPOST_API_KEY (after every first-party provider).
registerProvider(sparkpostProvider);

export type { SparkpostConfig } from "./config.js";
export { sparkpostProvider };

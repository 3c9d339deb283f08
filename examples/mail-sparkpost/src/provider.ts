import { defineProvider } from "@posse/mail-core/provider";
import { CONFIG_SCHEMA, configFromEnv, type SparkpostConfig } from "./config.js";
import { createTransport } from "./transport.js";

/** The SparkPost provider: `MAIL_PROVIDER=sparkpost` with `SPARKPOST_API_KEY`. */
export const sparkpostProvider = defineProvider<SparkpostConfig>({
  id: "sparkpost",
  label: "SparkPost",
  packageName: "@posse-examples/mail-sparkpost",
  env: [
    {
      name: "SPARKPOST_API_KEY",
      description: "API key (Transmissions: Read/Write)",
      required: true,
      secret: true,
    },
    { name: "SPARKPOST_REGION", description: "us (default) or eu", default: "us", oneOf: ["us", "eu"] },
  ],
  // SparkPost's limit is 20 MB per transmission, attachments base64-encoded inside the JSON.
  maxAttachmentBytes: Math.floor((20 * 1024 * 1024 * 3) / 4),
  config: CONFIG_SCHEMA,
  secretKeys: ["apiKey"],
  configFromEnv,
  create: createTransport,
});

// What each entry of @posse/mail-core offers, written out: adding, moving or removing an export fails here
// until the list says so, so every name on a surface is a decision. `.` is an application's API,
// `./provider` a provider author's, `./testing` the testing kit, `./webhooks` receiving delivery events
// and writing a vendor's webhook module with no Node built-in. Read from the build as a user gets it:
// runtime names from the ESM and CommonJS entries, every name (types too) from their type declarations.
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { describe, expect, it } from "vitest";

interface Surface {
  /** Names that exist at runtime. */
  readonly values: readonly string[];
  /** Names that are types only. */
  readonly types: readonly string[];
}

const APPLICATION: Surface = {
  values: [
    "BUILTIN_PROVIDERS",
    "DEFAULT_DEDUPE_TTL_MS",
    "DEFAULT_RETRY",
    "DEFAULT_WEBHOOK_MAX_BODY_BYTES",
    "DEFAULT_WEBHOOK_RETRY_STATUS",
    "MailError",
    "createMailer",
    "createMailerFromEnv",
    "createSuppressionList",
    "createWebhookHandler",
    "dedupeEvents",
    "dedupeKey",
    "detectionVariables",
    "envValue",
    "formatAddress",
    "fromAddressFromEnv",
    "getRegisteredProvider",
    "isDetected",
    "isMailError",
    "isValidAddress",
    "listProviders",
    "memoryReplayStore",
    "memorySuppressionStore",
    "missingVariables",
    "normalizeMessage",
    "parseAddress",
    "resolveMailProvider",
    "suppressFromEvents",
    "systemClock",
    "toNodeHandler",
    "toWebRequest",
    "useProvider",
  ],
  types: [
    "AddressInput",
    "BuiltinProvider",
    "Clock",
    "ConfigProblem",
    "CreateMailerFromEnvOptions",
    "CreateMailerOptions",
    "DedupeEventsOptions",
    "EnvSource",
    "EnvVar",
    "MailAddress",
    "MailAttachment",
    "MailBounce",
    "MailErrorCode",
    "MailErrorOptions",
    "MailEvent",
    "MailEventBase",
    "MailEventType",
    "MailMessage",
    "MailProviderConfigs",
    "MailProviderResolution",
    "Mailer",
    "MailerHooks",
    "MailerOptions",
    "MemoryReplayStoreOptions",
    "NodeWebhookRequest",
    "NodeWebhookResponse",
    "NormalizedAttachment",
    "NormalizedMessage",
    "PassedOverProvider",
    "ProviderConfigOverrides",
    "ProviderDefinition",
    "ProviderInfo",
    "ProviderSetup",
    "ProviderSetups",
    "Recipients",
    "RemovalDetails",
    "ReplayStore",
    "ResolveMailProviderOptions",
    "RetryOptions",
    "RetryPolicy",
    "SendEndEvent",
    "SendErrorEvent",
    "SendEvent",
    "SendOptions",
    "SendReceipt",
    "SendStartEvent",
    "SentEvent",
    "SuppressedRecipient",
    "SuppressionCheck",
    "SuppressionDetails",
    "SuppressionEntry",
    "SuppressionList",
    "SuppressionListOptions",
    "SuppressionReason",
    "SuppressionRemoval",
    "SuppressionStore",
    "WebhookDefinition",
    "WebhookHandlerOptions",
  ],
};

const PROVIDER_AUTHOR: Surface = {
  values: [
    "IDEMPOTENCY_HEADER",
    "MAX_RESPONSE_BYTES",
    "MailError",
    "ResponseTooLargeError",
    "WebhookError",
    "announcingDispatcher",
    "answerTooLargeError",
    "basicCredentialsOf",
    "bodyText",
    "builtinProvider",
    "checkProviderEnv",
    "codeForStatus",
    "declaredWithinLimit",
    "defaultWebhookEnv",
    "defineProvider",
    "encodeWords",
    "envValue",
    "escapeControlCharacters",
    "formatAddress",
    "fromBase64",
    "hasBasicCredentials",
    "hasSharedSecret",
    "hmacSha256",
    "holdUntilStarted",
    "httpFailure",
    "isJsonObject",
    "isLoopbackAddress",
    "isLoopbackHost",
    "isMailError",
    "isTlsFailureCode",
    "isWebhookError",
    "jsonRecords",
    "limitResponseBody",
    "limitedFetch",
    "missingWebhookSecret",
    "needsEncodedWords",
    "noResponseFailure",
    "optionalString",
    "parseAddress",
    "parseJsonBody",
    "parseProviderList",
    "parseRetryAfter",
    "positiveOption",
    "readCappedText",
    "readLimitedBody",
    "readProviderEnv",
    "refusePlainHttp",
    "refuseStaleTimestamp",
    "registerProvider",
    "requestCapped",
    "requestCappedFetch",
    "resolveSharedSecret",
    "sendsPasswordInClear",
    "sharedSecretFromEnv",
    "sharedSecretWebhook",
    "systemErrorCode",
    "timingSafeEqual",
    "toBase64",
    "toHex",
    "toStringRecord",
    "transportFailure",
    "unsupportedField",
    "validateConfig",
    "verifySharedSecret",
    "warnUnverifiedWebhook",
  ],
  types: [
    "BasicCredentials",
    "BuiltinProvider",
    "CappedAnswer",
    "CappedRequest",
    "ConfigField",
    "ConfigKind",
    "ConfigProblem",
    "ConfigSchema",
    "EnvCheck",
    "EnvFormat",
    "EnvSource",
    "EnvValues",
    "EnvVar",
    "FetchDispatcher",
    "HttpFailure",
    "MailAddress",
    "MailBounce",
    "MailErrorCode",
    "MailErrorOptions",
    "MailEvent",
    "MailEventType",
    "MailTransport",
    "NestedConfigSchema",
    "NormalizedAttachment",
    "NormalizedMessage",
    "NumberOption",
    "PlainTextLogin",
    "ProviderContext",
    "ProviderDefinition",
    "RequestContext",
    "RequestStarting",
    "SendResult",
    "SharedSecretConfig",
    "SharedSecretVendor",
    "SharedSecretWebhookFactoryOptions",
    "SharedSecretWebhookOptions",
    "WebhookDefinition",
    "WebhookErrorStatus",
    "WebhookHead",
    "WebhookParseResult",
    "WebhookRequest",
  ],
};

const TESTING: Surface = {
  values: [
    "CONTRACT_FROM",
    "PDF_BYTES",
    "PNG_BYTES",
    "answersOf",
    "captureJsonRequest",
    "closedPort",
    "createContractMailer",
    "createFakeClock",
    "createTestMailer",
    "deferred",
    "endlessAnswer",
    "findSecret",
    "fixedAnswer",
    "fullMessage",
    "memoryProvider",
    "minimalMessage",
    "recordConsole",
    "sdkLoadReport",
    "sendInChildProcess",
    "startHostileVendor",
    "startLoopbackVendor",
    "startRecordingProxy",
    "startRecordingVendor",
    "testTlsFiles",
  ],
  types: [
    "AnswerCase",
    "CapturedRequest",
    "CaseAnswer",
    "ChildSendResult",
    "ConsoleRecorder",
    "FailureRule",
    "FakeClock",
    "HostileVendor",
    "LoopbackVendor",
    "LoopbackVendorStats",
    "MemoryConfig",
    "ProxiedRequest",
    "RecordingProxy",
    "RecordingVendor",
    "SdkLoadReport",
    "TestMailer",
    "TestMailerOptions",
    "VendorAnswer",
    "VendorConnection",
    "VendorRequest",
  ],
};

const WEBHOOKS: Surface = {
  values: [
    "DEFAULT_DEDUPE_TTL_MS",
    "DEFAULT_WEBHOOK_MAX_BODY_BYTES",
    "DEFAULT_WEBHOOK_RETRY_STATUS",
    "MailError",
    "WebhookError",
    "basicCredentialsOf",
    "bodyText",
    "createWebhookHandler",
    "dedupeEvents",
    "dedupeKey",
    "defaultWebhookEnv",
    "envValue",
    "fromBase64",
    "hasBasicCredentials",
    "hasSharedSecret",
    "hmacSha256",
    "isJsonObject",
    "isMailError",
    "isWebhookError",
    "jsonRecords",
    "limitResponseBody",
    "memoryReplayStore",
    "missingWebhookSecret",
    "optionalString",
    "parseJsonBody",
    "positiveOption",
    "readCappedText",
    "readLimitedBody",
    "refuseStaleTimestamp",
    "resolveSharedSecret",
    "sharedSecretFromEnv",
    "sharedSecretWebhook",
    "systemClock",
    "timingSafeEqual",
    "toBase64",
    "toHex",
    "toStringRecord",
    "verifySharedSecret",
    "warnUnverifiedWebhook",
  ],
  types: [
    "BasicCredentials",
    "Clock",
    "DedupeEventsOptions",
    "EnvSource",
    "MailBounce",
    "MailErrorCode",
    "MailErrorOptions",
    "MailEvent",
    "MailEventType",
    "MemoryReplayStoreOptions",
    "NumberOption",
    "ReplayStore",
    "SharedSecretConfig",
    "SharedSecretVendor",
    "SharedSecretWebhookFactoryOptions",
    "SharedSecretWebhookOptions",
    "WebhookDefinition",
    "WebhookErrorStatus",
    "WebhookHandlerOptions",
    "WebhookHead",
    "WebhookParseResult",
    "WebhookRequest",
  ],
};

const ENTRIES = [
  [".", "index", APPLICATION],
  ["./provider", "provider", PROVIDER_AUTHOR],
  ["./testing", "testing/index", TESTING],
  ["./webhooks", "webhooks/index", WEBHOOKS],
] as const;

const dist = (file: string) => fileURLToPath(new URL(`../dist/${file}`, import.meta.url));
const runtimeNames = (module: object) =>
  Object.keys(module)
    .filter((name) => name !== "default")
    .sort();

/** Every name each declaration file exports, values and types, as TypeScript sees it (no lib needed). */
function declaredNames(files: readonly string[]): Map<string, Surface> {
  const program = ts.createProgram(files, {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    noLib: true,
    types: [],
    noEmit: true,
  });
  const checker = program.getTypeChecker();
  return new Map(
    files.map((file) => {
      const exported = checker.getExportsOfModule(checker.getSymbolAtLocation(program.getSourceFile(file)!)!);
      const isValue = (symbol: ts.Symbol) =>
        ((symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol).flags &
          ts.SymbolFlags.Value) !==
        0;
      const names = (value: boolean) =>
        exported
          .filter((symbol) => isValue(symbol) === value)
          .map((symbol) => symbol.name)
          .sort();
      return [file, { values: names(true), types: names(false) }];
    }),
  );
}

describe.each(ENTRIES)("@posse/mail-core%s exports exactly its list", (_subpath, file, surface) => {
  it("at runtime, from the ESM and the CommonJS build", async () => {
    const esm = (await import(dist(`${file}.js`))) as object;
    const cjs = createRequire(import.meta.url)(dist(`${file}.cjs`)) as object;
    expect(runtimeNames(esm)).toEqual([...surface.values].sort());
    expect(runtimeNames(cjs)).toEqual([...surface.values].sort());
  });

  it("in its type declarations, types included", () => {
    const declared = declaredNames([dist(`${file}.d.ts`)]).get(dist(`${file}.d.ts`));
    expect(declared).toEqual({ values: [...surface.values].sort(), types: [...surface.types].sort() });
  });
});

/** An SDK command as this module uses it: it resolves the client's middleware stack into a handler. */
interface SdkCommand {
  resolveMiddleware(stack: unknown, config: unknown, options: undefined): SdkHandler;
}
type SdkHandler = (command: SdkCommand) => Promise<{ output: unknown }>;

/** What the runner needs of the SDK client. */
interface SdkClient {
  readonly middlewareStack: unknown;
  readonly config: unknown;
}

/**
 * Runs commands through a handler resolved once per command class, as the SDK's `cacheMiddleware`
 * option does: `client.send` otherwise copies, sorts and wraps the whole middleware stack on every call,
 * which costs more per send than all of posse-mail's own work. The handler is resolved on a blank
 * command, so the cached context holds no caller's message (the SDK's cache keeps the first real one),
 * and without per-call options (the call's signal travels as `call-signal.ts` describes). The stack
 * must not change after the first call.
 */
export function commandRunner(client: SdkClient) {
  const handlers = new Map<new (input: object) => SdkCommand, SdkHandler>();
  return async function run<Output>(Command: new (input: never) => object, input: object): Promise<Output> {
    const Class = Command as unknown as new (input: object) => SdkCommand;
    let handler = handlers.get(Class);
    if (handler === undefined) {
      handler = new Class({}).resolveMiddleware(client.middlewareStack, client.config, undefined);
      handlers.set(Class, handler);
    }
    return (await handler(new Class(input))).output as Output;
  };
}

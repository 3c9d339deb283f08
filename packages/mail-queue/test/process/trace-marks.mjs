// Soak diagnostics, loaded by the preloads: with SOAK_TRACE set, wraps a provider so that each send appends
// "<subject> marking" when it starts writing the queue's marker (the transport's requestStarting) and
// "<subject> marked" once the marker is written, synchronously, so the lines survive a SIGKILL. The soak
// reads them to tell apart, among dead letters that never reached the stub, the sends killed while their
// marker write was under way from those killed after it.
import { appendFileSync } from "node:fs";

/** `definition`, with each send's requestStarting traced to the file SOAK_TRACE names (unchanged without it). */
export function traceMarks(definition) {
  const file = process.env.SOAK_TRACE;
  if (!file) return definition;
  return {
    ...definition,
    async create(config, context) {
      const transport = await definition.create(config, context);
      return {
        ...transport,
        send(message, call) {
          const requestStarting = async () => {
            appendFileSync(file, `${message.subject} marking\n`);
            await call.requestStarting();
            appendFileSync(file, `${message.subject} marked\n`);
          };
          return transport.send(message, { attempt: call.attempt, signal: call.signal, requestStarting });
        },
        verify: (call) => transport.verify(call),
        close: () => transport.close?.(),
      };
    },
  };
}

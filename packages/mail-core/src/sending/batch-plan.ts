import type { NormalizedMessage } from "../message/message.js";
import type { MailTransport } from "../providers/define-provider.js";

/** Messages per batch request for a transport that declares no `maxBatchSize`. */
export const DEFAULT_MAX_BATCH_SIZE = 100;

/** Most messages one `sendBatch` request of this transport carries; 1 when it has no `sendBatch`. */
export function batchSize(transport: MailTransport): number {
  if (transport.sendBatch === undefined) return 1;
  const max = transport.maxBatchSize;
  return max !== undefined && Number.isInteger(max) && max >= 1 ? max : DEFAULT_MAX_BATCH_SIZE;
}

/** Whether the transport's batch request may carry this message: as its `canBatch` says, all without one. */
export function goesInBatch(transport: MailTransport, message: NormalizedMessage): boolean {
  if (transport.sendBatch === undefined) return false;
  return transport.canBatch === undefined || transport.canBatch(message);
}

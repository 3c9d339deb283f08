import type { MailEvent } from "@posse/mail-core";

/** The delivery events the inbox's webhooks received, by `messageId`, held in memory and bounded. */
export interface EventStore {
  /** Stores verified events (the webhooks' `onEvents`). */
  add(events: readonly MailEvent[]): void;
  /** The events of one message, oldest first by the vendor's time. */
  forMessage(messageId: string): readonly MailEvent[];
  /** Every event held, oldest first by the vendor's time. */
  all(): readonly MailEvent[];
}

/** Options of {@link createEventStore}. */
export interface EventStoreOptions {
  /** How many message ids it keeps events for; default 100. Beyond that, the id that got an event longest ago goes. */
  readonly maxMessages?: number;
  /** How many events it keeps per message id; default 20. Beyond that, the oldest received goes. */
  readonly maxEventsPerMessage?: number;
}

const byTime = (a: MailEvent, b: MailEvent) => a.timestamp.getTime() - b.timestamp.getTime();

/** An in-memory store: at most `maxMessages` × `maxEventsPerMessage` events, so no sender can fill the memory. */
export function createEventStore(options: EventStoreOptions = {}): EventStore {
  const maxMessages = options.maxMessages ?? 100;
  const maxEventsPerMessage = options.maxEventsPerMessage ?? 20;
  // Insertion order is the order ids last got an event; events without an id share the key `undefined`.
  const byMessage = new Map<string | undefined, MailEvent[]>();
  return {
    add(events) {
      for (const event of events) {
        const list = byMessage.get(event.messageId) ?? [];
        byMessage.delete(event.messageId);
        list.push(event);
        if (list.length > maxEventsPerMessage) list.splice(0, list.length - maxEventsPerMessage);
        byMessage.set(event.messageId, list);
        if (byMessage.size > maxMessages) byMessage.delete(byMessage.keys().next().value);
      }
    },
    forMessage: (messageId) => [...(byMessage.get(messageId) ?? [])].sort(byTime),
    all: () => [...byMessage.values()].flat().sort(byTime),
  };
}

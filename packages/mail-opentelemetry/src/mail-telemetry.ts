import {
  type Attributes,
  type Context,
  context,
  type MeterProvider,
  metrics,
  type Span,
  SpanKind,
  SpanStatusCode,
  type Tracer,
  type TracerProvider,
  trace,
} from "@opentelemetry/api";
import type { MailError, MailerHooks, NormalizedMessage, SendStartEvent } from "@posse/mail-core";
import { ATTR } from "./attributes.js";
import { createInstruments, type MailInstruments } from "./instruments.js";

/** The instrumentation scope's name, for tracers and meters. */
export const INSTRUMENTATION_NAME = "@posse/mail-opentelemetry";

/** Options of {@link mailTelemetry}. */
export interface MailTelemetryOptions {
  /** Where spans go; default the global tracer provider. */
  readonly tracerProvider?: TracerProvider;
  /** Where metrics go; default the global meter provider, looked up at the first send. */
  readonly meterProvider?: MeterProvider;
  /**
   * Also record recipients' addresses and the subject (needs the mailer's `eventsIncludeMessage: true`)
   * and error messages (a vendor's text may quote a recipient). Default false. Bodies are never recorded.
   */
  readonly recordPersonalData?: boolean;
}

/** What is kept about a send while it runs. */
interface SendState {
  readonly span: Span;
  /** The caller's context with the send span in it: the parent of every attempt span. */
  readonly context: Context;
  attemptSpan: Span | undefined;
  attempts: number;
  failovers: number;
  lastError: MailError | undefined;
}

const OPERATION: Attributes = { [ATTR.operationType]: "send", [ATTR.operationName]: "send" };

function recipients(message: NormalizedMessage): string[] {
  return [...message.to, ...message.cc, ...message.bcc].map((address) => address.address);
}

/** Attributes for a metric: provider, outcome and `error.type` when each is known. */
function outcomeAttributes(provider: string | undefined, error: MailError | undefined): Attributes {
  const attributes: Attributes = { [ATTR.outcome]: error ? "failed" : "sent" };
  if (provider !== undefined) attributes[ATTR.provider] = provider;
  if (error) attributes[ATTR.errorType] = error.code;
  return attributes;
}

/**
 * Mailer hooks that trace and measure every send: `createMailer({ …, hooks: mailTelemetry() })`.
 * One span per send (a child of the caller's active span) with a child span per request to a vendor;
 * counters and duration histograms. No address, subject or body unless `recordPersonalData` is set.
 */
export function mailTelemetry(options: MailTelemetryOptions = {}): MailerHooks {
  const personal = options.recordPersonalData === true;
  const sends = new WeakMap<SendStartEvent, SendState>();
  let tracer: Tracer | undefined;
  let instruments: MailInstruments | undefined;
  let measuredBy: MeterProvider | undefined;
  // The global tracer provider is a proxy that turns to the SDK's once it is registered: one lookup will do.
  const getTracer = () =>
    (tracer ??= (options.tracerProvider ?? trace.getTracerProvider()).getTracer(INSTRUMENTATION_NAME));
  // The global meter provider is no proxy: until an SDK registers, it is the no-op one, so it is looked up
  // again at each recording, and the instruments made anew when it changed.
  const measure = (): MailInstruments => {
    const provider = options.meterProvider ?? metrics.getMeterProvider();
    if (instruments === undefined || provider !== measuredBy) {
      instruments = createInstruments(provider.getMeter(INSTRUMENTATION_NAME));
      measuredBy = provider;
    }
    return instruments;
  };

  function fail(span: Span, error: MailError): void {
    span.setAttribute(ATTR.errorType, error.code);
    if (error.outcomeUnknown) span.setAttribute(ATTR.outcomeUnknown, true);
    span.setStatus({ code: SpanStatusCode.ERROR, message: personal ? error.message : error.code });
  }

  return {
    onSendStart(event) {
      const attributes: Attributes = { ...OPERATION, [ATTR.providers]: [...event.providers] };
      if (event.providers[0] !== undefined) attributes[ATTR.system] = event.providers[0];
      if (event.attachments !== undefined) attributes[ATTR.attachmentCount] = event.attachments;
      if (event.attachmentBytes !== undefined) attributes[ATTR.attachmentSize] = event.attachmentBytes;
      if (personal && event.message) {
        attributes[ATTR.recipients] = recipients(event.message);
        attributes[ATTR.subject] = event.message.subject;
      }
      const parent = context.active();
      const span = getTracer().startSpan("send mail", { kind: SpanKind.PRODUCER, attributes }, parent);
      sends.set(event, {
        span,
        context: trace.setSpan(parent, span),
        attemptSpan: undefined,
        attempts: 0,
        failovers: 0,
        lastError: undefined,
      });
    },

    onSend(event) {
      const state = sends.get(event.send);
      if (!state) return;
      if (event.attempt === 1 && event.failover > 0) {
        state.failovers += 1;
        const left: Attributes = { [ATTR.provider]: event.send.providers[event.failover - 1] };
        if (state.lastError) left[ATTR.errorType] = state.lastError.code;
        measure().failovers.add(1, left);
      }
      state.attempts += 1;
      state.attemptSpan = getTracer().startSpan(
        `send mail ${event.provider}`,
        {
          kind: SpanKind.CLIENT,
          attributes: {
            ...OPERATION,
            [ATTR.system]: event.provider,
            [ATTR.provider]: event.provider,
            [ATTR.attempt]: event.attempt,
            [ATTR.failoverPosition]: event.failover,
          },
        },
        state.context,
      );
    },

    onSent(event) {
      const state = sends.get(event.send);
      const span = state?.attemptSpan;
      if (!state || !span) return;
      span.setAttributes({ [ATTR.outcome]: "sent", [ATTR.messageId]: event.messageId });
      span.end();
      state.attemptSpan = undefined;
      const attributes = outcomeAttributes(event.provider, undefined);
      measure().attempts.add(1, attributes);
      measure().attemptDuration.record(event.durationMs / 1000, attributes);
    },

    onError(event) {
      const state = sends.get(event.send);
      const span = state?.attemptSpan;
      if (!state || !span) return;
      state.lastError = event.error;
      span.setAttributes({ [ATTR.outcome]: "failed", [ATTR.willRetry]: event.willRetry });
      fail(span, event.error);
      span.end();
      state.attemptSpan = undefined;
      const attributes = outcomeAttributes(event.provider, event.error);
      measure().attempts.add(1, attributes);
      measure().attemptDuration.record(event.durationMs / 1000, attributes);
      if (event.willRetry) {
        measure().retries.add(1, { [ATTR.provider]: event.provider, [ATTR.errorType]: event.error.code });
      }
    },

    onSendEnd(event) {
      const state = sends.get(event.send);
      if (!state) return;
      sends.delete(event.send);
      const { span } = state;
      state.attemptSpan?.end();
      const provider = event.receipt?.provider ?? event.error?.provider;
      const attributes = outcomeAttributes(provider, event.error);
      span.setAttributes({
        ...attributes,
        [ATTR.attempts]: state.attempts,
        [ATTR.failovers]: state.failovers,
      });
      if (provider !== undefined) span.setAttribute(ATTR.system, provider);
      if (event.receipt) span.setAttribute(ATTR.messageId, event.receipt.messageId);
      if (event.error) fail(span, event.error);
      span.end();
      measure().sends.add(1, attributes);
      measure().sendDuration.record(event.durationMs / 1000, attributes);
    },
  };
}

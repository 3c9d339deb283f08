// An in-memory OpenTelemetry SDK for the tests: spans in an InMemorySpanExporter, metrics from a reader
// collected on demand, and mailers whose providers play scripted steps on a fake clock.
import { type Attributes, type AttributeValue, SpanStatusCode } from "@opentelemetry/api";
import {
  type Histogram,
  MeterProvider,
  MetricReader,
  type ResourceMetrics,
} from "@opentelemetry/sdk-metrics";
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from "@opentelemetry/sdk-trace-base";
import { createMailer, type MailerOptions, type NormalizedMessage } from "@posse/mail-core";
import { defineProvider, type RequestContext, type SendResult } from "@posse/mail-core/provider";
import { createFakeClock, type FakeClock } from "@posse/mail-core/testing";
import { type MailTelemetryOptions, mailTelemetry } from "../../src/index.js";

/** A metric reader that hands its data over when asked. */
class TestMetricReader extends MetricReader {
  protected async onForceFlush(): Promise<void> {}
  protected async onShutdown(): Promise<void> {}
}

/** One data point of a metric, flattened. */
export interface Point {
  readonly attributes: Attributes;
  /** A counter's value, or a histogram's count. */
  readonly value: number;
  /** A histogram's sum. */
  readonly sum?: number | undefined;
}

/** Tracer and meter providers that keep everything in memory. */
export function createTelemetry() {
  const exporter = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const reader = new TestMetricReader();
  const meterProvider = new MeterProvider({ readers: [reader] });
  return {
    tracerProvider,
    meterProvider,
    spans: (): ReadableSpan[] => exporter.getFinishedSpans(),
    /** Every metric's points by name. */
    async metrics(): Promise<Record<string, Point[]>> {
      const { resourceMetrics } = (await reader.collect()) as { resourceMetrics: ResourceMetrics };
      const byName: Record<string, Point[]> = {};
      for (const scope of resourceMetrics.scopeMetrics) {
        for (const metric of scope.metrics) {
          byName[metric.descriptor.name] = metric.dataPoints.map((point) =>
            typeof point.value === "number"
              ? { attributes: point.attributes, value: point.value }
              : {
                  attributes: point.attributes,
                  value: (point.value as Histogram).count,
                  sum: (point.value as Histogram).sum,
                },
          );
        }
      }
      return byName;
    },
    hooks: (options: MailTelemetryOptions = {}) =>
      mailTelemetry({ tracerProvider, meterProvider, ...options }),
  };
}

/** What a scripted request does: accept, throw, or take `ms` on the clock first. */
export type Step =
  | "ok"
  | Error
  | { readonly after: number; readonly play: "ok" | Error }
  | ((context: RequestContext) => Promise<SendResult>);

/** A provider whose n-th request plays `steps[n]` (the last repeats). */
export function scriptedProvider(id: string, clock: FakeClock, steps: readonly Step[] = ["ok"]) {
  let n = 0;
  const seen: NormalizedMessage[] = [];
  const definition = defineProvider<Record<string, never>>({
    id,
    label: id,
    env: [],
    configFromEnv: () => ({}),
    create: () => ({
      async send(message, context) {
        seen.push(message);
        n += 1;
        let step = steps[Math.min(n, steps.length) - 1]!;
        if (typeof step === "function") return step(context);
        if (typeof step === "object" && "after" in step) {
          await clock.sleep(step.after);
          step = step.play;
        }
        if (step instanceof Error) throw step;
        return { messageId: `${id}-msg-${n}` };
      },
      async verify() {},
    }),
  });
  return { definition, seen, setup: { definition, config: {} } };
}

/** A mailer over scripted providers on a fake clock, with jitter fixed (backoff is half its ceiling). */
export async function mailerOver(
  providers: ReadonlyArray<ReturnType<typeof scriptedProvider>>,
  clock: FakeClock,
  options: MailerOptions,
) {
  return createMailer({
    from: "App <app@example.com>",
    providers: providers.map((provider) => provider.setup),
    clock,
    random: () => 0.5,
    ...options,
  });
}

export { createFakeClock };

/** A span's attributes as a plain object. */
export function attributesOf(span: ReadableSpan): Record<string, AttributeValue | undefined> {
  return { ...span.attributes };
}

/** The spans of one trace, the send span first and its attempts after. */
export function sendAndAttempts(spans: readonly ReadableSpan[]) {
  const send = spans.find((span) => span.name === "send mail");
  if (!send) throw new Error(`no send span among ${spans.map((span) => span.name).join(", ")}`);
  const attempts = spans
    .filter((span) => span.parentSpanContext?.spanId === send.spanContext().spanId)
    .sort((a, b) => a.startTime[0] - b.startTime[0] || a.startTime[1] - b.startTime[1]);
  return { send, attempts };
}

export const OK = { code: SpanStatusCode.UNSET };

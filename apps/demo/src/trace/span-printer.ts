import { SpanStatusCode } from "@opentelemetry/api";
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from "@opentelemetry/sdk-trace-base";
import type { MailerHooks } from "@posse/mail-core";
import { mailTelemetry } from "@posse/mail-opentelemetry";
import { type TextOutput, writeLine } from "../output.js";
import { printable } from "../printable.js";

/** `--verbose`: mailer hooks that trace each send with @posse/mail-opentelemetry, and a printer for the spans. */
export interface SpanPrinter {
  /** Hooks for the demo's mailer. */
  readonly hooks: MailerHooks;
  /** Prints every send span finished so far with its attempt spans under it. */
  print(out: TextOutput): void;
}

function line(span: ReadableSpan): string {
  const ms = span.duration[0] * 1000 + span.duration[1] / 1e6;
  const status = span.status.code === SpanStatusCode.ERROR ? " ERROR" : "";
  // Attribute values include vendor message ids: anyone's text, shown escaped.
  const attributes = Object.entries(span.attributes)
    .map(([name, value]) => `${name}=${printable(Array.isArray(value) ? value.join(",") : String(value))}`)
    .join(" ");
  return `${span.name} (${ms.toFixed(1)} ms)${status} ${attributes}`;
}

/** Collects the spans of the demo's sends in memory, through an SDK tracer provider of its own. */
export function createSpanPrinter(): SpanPrinter {
  const exporter = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  return {
    hooks: mailTelemetry({ tracerProvider }),
    print(out) {
      const spans = exporter.getFinishedSpans();
      const sends = spans.filter((span) => span.name === "send mail");
      writeLine(out, `OpenTelemetry spans of the ${sends.length} sends (@posse/mail-opentelemetry):`);
      for (const send of sends) {
        writeLine(out, `  trace ${send.spanContext().traceId}`);
        writeLine(out, `    ${line(send)}`);
        for (const attempt of spans) {
          if (attempt.parentSpanContext?.spanId === send.spanContext().spanId) {
            writeLine(out, `      └ ${line(attempt)}`);
          }
        }
      }
    },
  };
}

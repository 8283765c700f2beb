import { context, isSpanContextValid, SpanKind, SpanStatusCode, trace, type Attributes, type Link, type Span } from '@opentelemetry/api';
import { formatTraceparent, parseTraceparent } from './traceparent';

/** Scope of the app's own spans (invocations, job chunks). */
export const tracerName = 'redis-cluster-manager';

/** One invocation as the span wrapper sees it (structural: no `@azure/functions` types in the platform). */
export interface InvocationInfo {
  functionName: string;
  invocationId: string;
  trigger: 'http' | 'timer' | 'eventGrid' | 'other';
  /** The host's trace context (`InvocationContext.traceContext`): in Azure the host's own invocation span. */
  host?: { traceParent?: string | undefined; traceState?: string | undefined };
  /** HTTP: the request's `traceparent`/`tracestate` headers. Event Grid: the CloudEvent's distributed tracing extension. */
  incoming?: { traceparent?: unknown; tracestate?: unknown };
  attributes?: Attributes;
}

const kinds = { http: SpanKind.SERVER, eventGrid: SpanKind.CONSUMER, timer: SpanKind.INTERNAL, other: SpanKind.INTERNAL } as const;
const faasTrigger = { http: 'http', eventGrid: 'pubsub', timer: 'timer', other: 'other' } as const;

/**
 * Runs one invocation inside its span. The parent: for an event, the trace the CloudEvent carries (the request
 * that published it), with the host's context as a link; otherwise the host's context (which in Azure already
 * continues the caller's `traceparent`), else the request's own header, else a new trace. `respond` sees the result with the span's `traceparent` (HTTP puts it on the response).
 */
export async function traceInvocation<T>(info: InvocationInfo, run: () => Promise<T>, respond?: (result: T, traceparent: string | undefined) => T): Promise<T> {
  const host = parseTraceparent(info.host?.traceParent, info.host?.traceState);
  const incoming = parseTraceparent(info.incoming?.traceparent, info.incoming?.tracestate);
  const parent = info.trigger === 'eventGrid' ? (incoming ?? host) : (host ?? incoming);
  const links: Link[] = info.trigger === 'eventGrid' && incoming && host ? [{ context: host }] : [];
  const parentContext = parent ? trace.setSpanContext(context.active(), parent) : context.active();
  const span = trace.getTracer(tracerName).startSpan(
    info.functionName,
    {
      kind: kinds[info.trigger],
      links,
      attributes: { 'faas.trigger': faasTrigger[info.trigger], 'faas.invocation_id': info.invocationId, 'faas.name': info.functionName, ...info.attributes },
    },
    parentContext,
  );
  try {
    const result = await context.with(trace.setSpan(parentContext, span), run);
    const sc = span.spanContext();
    return respond ? respond(result, isSpanContextValid(sc) ? formatTraceparent(sc) : undefined) : result;
  } catch (error) {
    failed(span, error);
    throw error;
  } finally {
    span.end();
  }
}

/** Marks a span failed with the error's type and message (never its stack: messages are ours, stacks may hold paths). */
export function failed(span: Span, error: unknown): void {
  const e = error instanceof Error ? error : new Error(String(error));
  span.recordException({ name: e.name, message: e.message });
  span.setStatus({ code: SpanStatusCode.ERROR, message: e.message.slice(0, 300) });
}

import { context, isSpanContextValid, trace } from '@opentelemetry/api';
import { formatTraceparent } from './traceparent';

/**
 * The W3C `traceparent` of the span active in this async context, or undefined when none is (outside any
 * invocation). The event store records it with each event so the CloudEvent published for it, inline or later by
 * the outbox relay, continues the trace of the request that caused it. With telemetry off the active span is the
 * caller's own (non-recording) context, so an incoming trace is still passed on.
 */
export function activeTraceparent(): string | undefined {
  const sc = trace.getSpan(context.active())?.spanContext();
  return sc && isSpanContextValid(sc) ? formatTraceparent(sc) : undefined;
}

import { context, trace, type SpanContext } from '@opentelemetry/api';
import { parseTraceparent } from './traceparent';

/**
 * Runs `fn` with the span of a stored `traceparent` as its parent, so work resumed later (a job chunk the sweeper
 * picks up after a crash) joins the trace it belongs to instead of the trace of whoever resumed it. An absent or
 * malformed traceparent runs `fn` in the current context.
 */
export function continueTrace<T>(traceparent: string | undefined, fn: () => Promise<T>): Promise<T> {
  const parent: SpanContext | undefined = parseTraceparent(traceparent);
  return parent ? context.with(trace.setSpanContext(context.active(), parent), fn) : fn();
}

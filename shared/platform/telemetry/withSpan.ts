import { trace, type Attributes, type Span } from '@opentelemetry/api';
import { failed, tracerName } from './traceInvocation';

/**
 * Runs `fn` in a child span of the active one (job chunks, collector ticks). The span ends when `fn` settles and is
 * marked failed when it throws; `fn` may add attributes (outcomes) to it.
 */
export function withSpan<T>(name: string, attributes: Attributes, fn: (span: Span) => Promise<T>): Promise<T> {
  return trace.getTracer(tracerName).startActiveSpan(name, { attributes }, async (span) => {
    try {
      return await fn(span);
    } catch (error) {
      failed(span, error);
      throw error;
    } finally {
      span.end();
    }
  });
}

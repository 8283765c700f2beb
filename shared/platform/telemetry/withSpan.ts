import { trace, type Attributes, type Link, type Span } from '@opentelemetry/api';
import { failed, tracerName } from './traceInvocation';

/**
 * Runs `fn` in a child span of the active one (job chunks, collector ticks). The span ends when `fn` settles and is
 * marked failed when it throws; `fn` may add attributes (outcomes) to it. `links` relate it to spans of other traces
 * (a job chunk the sweeper timer resumes links to the timer's span).
 */
export function withSpan<T>(name: string, attributes: Attributes, fn: (span: Span) => Promise<T>, links: Link[] = []): Promise<T> {
  return trace.getTracer(tracerName).startActiveSpan(name, { attributes, ...(links.length ? { links } : {}) }, async (span) => {
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

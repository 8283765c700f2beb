import { processTelemetry } from '../../platform/telemetry/processTelemetry';
import { traceInvocation, type InvocationInfo } from '../../platform/telemetry/traceInvocation';

/** What the hook reads and rewrites of `@azure/functions`' `PreInvocationContext` (structural, so tests need no host). */
export interface PreInvocation {
  invocationContext: {
    functionName: string;
    invocationId: string;
    traceContext?: { traceParent?: string | undefined; traceState?: string | undefined } | undefined;
    options: { trigger: { type: string } };
  };
  inputs: unknown[];
  functionHandler: (...args: never[]) => unknown;
}

function triggerOf(type: string): InvocationInfo['trigger'] {
  const t = type.toLowerCase();
  return t === 'httptrigger' ? 'http' : t === 'timertrigger' ? 'timer' : t === 'eventgridtrigger' ? 'eventGrid' : 'other';
}

interface HeaderBag {
  get(name: string): string | null;
}
interface HttpLike {
  method?: string;
  url?: string;
  headers?: HeaderBag;
}

function httpInfo(req: HttpLike | undefined): Pick<InvocationInfo, 'incoming' | 'attributes'> {
  const headers = typeof req?.headers?.get === 'function' ? req.headers : undefined;
  let path: string | undefined;
  try {
    path = req?.url ? new URL(req.url).pathname : undefined;
  } catch {
    path = undefined;
  }
  return {
    incoming: { traceparent: headers?.get('traceparent'), tracestate: headers?.get('tracestate') },
    attributes: { ...(req?.method ? { 'http.request.method': req.method } : {}), ...(path ? { 'url.path': path } : {}) },
  };
}

function eventInfo(event: unknown): Pick<InvocationInfo, 'incoming' | 'attributes'> {
  const e = (event ?? {}) as Record<string, unknown>;
  const str = (v: unknown) => (typeof v === 'string' ? v.slice(0, 256) : undefined);
  const attributes = Object.fromEntries(
    Object.entries({ 'cloudevents.event_id': str(e['id']), 'cloudevents.event_type': str(e['type'] ?? e['eventType']), 'cloudevents.event_subject': str(e['subject']) }).filter(([, v]) => v !== undefined),
  ) as Record<string, string>;
  return { incoming: { traceparent: e['traceparent'], tracestate: e['tracestate'] }, attributes: { 'messaging.system': 'eventgrid', ...attributes } };
}

/** Puts the invocation's `traceparent` on an HTTP response, whichever shape the handler returned. */
function withTraceparent(result: unknown, traceparent: string | undefined): unknown {
  if (!traceparent || result === null || typeof result !== 'object') return result;
  const r = result as { headers?: unknown; status?: unknown };
  const headers = r.headers as { set?: (k: string, v: string) => void } | undefined;
  if (headers && typeof headers.set === 'function') {
    headers.set('traceparent', traceparent);
    return result;
  }
  if (Array.isArray(r.headers)) return { ...r, headers: [...(r.headers as [string, string][]), ['traceparent', traceparent]] };
  return { ...r, headers: { ...((r.headers as Record<string, string> | undefined) ?? {}), traceparent } };
}

/**
 * The `preInvocation` hook (functions/appTelemetry.ts): waits for telemetry to have started (once per process), then
 * wraps this invocation's handler in its span: the function's name, its trigger, the invocation id, the parent
 * from the host's trace context, the request's `traceparent` or the CloudEvent's; HTTP responses return the span's
 * `traceparent`. Why our own wrapper and not `@azure/functions-opentelemetry-instrumentation` alone: see
 * docs/monitoring.md (Traces).
 */
export async function traceFunctionInvocation(ctx: PreInvocation): Promise<void> {
  // A telemetry start that fails (a bad setting) must not fail the invocation: it runs untraced, and the app's own
  // settings check reports the setting (functions/appTelemetry.ts logs the start failure once).
  if (!(await processTelemetry().then(() => true, () => false))) return;
  const inv = ctx.invocationContext;
  const trigger = triggerOf(inv.options.trigger.type);
  const first = ctx.inputs[0];
  const extra = trigger === 'http' ? httpInfo(first as HttpLike) : trigger === 'eventGrid' ? eventInfo(first) : {};
  const handler = ctx.functionHandler as (...args: unknown[]) => unknown;
  const info: InvocationInfo = { functionName: inv.functionName, invocationId: inv.invocationId, trigger, ...(inv.traceContext ? { host: inv.traceContext } : {}), ...extra };
  ctx.functionHandler = ((...args: unknown[]) =>
    traceInvocation(info, async () => await handler(...args), trigger === 'http' ? (result, tp) => withTraceparent(result, tp) : undefined)) as PreInvocation['functionHandler'];
}

import { createHash } from 'node:crypto';
import { SpanStatusCode, trace } from '@opentelemetry/api';
import { authenticate, authorize } from '../auth/authenticate';
import type { Principal } from '../auth/Principal';
import { systemPrincipal } from '../auth/Principal';
import type { ChangeContext } from '../registry/ClusterStreams';
import { controlPlane, type ControlPlane } from '../controlPlane';
import { DomainError } from '../store/DomainError';
import type { ApiInvocation, ApiRequest, ApiResponse } from './ApiRequest';
import { problemFromError } from './problemFromError';
import { problemResponse } from './problem';
import type { DocumentedRoute, HttpMethod } from './RouteDoc';

/** Everything a route handler gets: the request, its body (read once, size-checked), who calls, and the services. */
export interface ApiCall {
  req: ApiRequest;
  body: string;
  principal: Principal;
  /** Principal + correlation id, as the services record them in the audit log. */
  change: ChangeContext;
  invocation: ApiInvocation;
  cp: ControlPlane;
}

/**
 * One method of one HTTP function: its minimum role, its description for the API document (required, so no route
 * exists undocumented; see docs/api.md "Adding a route") and its handler.
 */
export interface Route extends DocumentedRoute {
  handle(call: ApiCall): Promise<ApiResponse>;
}

export type { HttpMethod };
export type RouteTable = Partial<Record<HttpMethod, Route>>;

/** Admin bodies are small; anything larger is refused before it is parsed. @default 65536 */
export const maxBodyBytes = 64 * 1024;

const correlationPattern = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Wraps the routes of one function: method dispatch (405), authentication (401) and role (403), body size (413),
 * `Idempotency-Key` on POST, correlation id, and the error mapping (problem+json; 500 without details for anything
 * unexpected, logged with the invocation id).
 */
export function apiHandler(routes: RouteTable, open: () => Promise<ControlPlane> = controlPlane) {
  return async (req: ApiRequest, invocation: ApiInvocation): Promise<ApiResponse> => {
    const requested = req.headers.get('x-correlation-id');
    const correlationId = requested && correlationPattern.test(requested) ? requested : invocation.invocationId;
    const common = { 'x-correlation-id': correlationId, 'cache-control': 'no-store' };
    let response: ApiResponse;
    try {
      response = await dispatch(routes, open, req, invocation, correlationId);
    } catch (error) {
      response = problemFromError(error, invocation);
    }
    // The invocation's span (shared/platform/telemetry) carries the correlation id the audit log records.
    const span = trace.getActiveSpan();
    span?.setAttributes({ 'rcm.correlation_id': correlationId, 'http.response.status_code': response.status });
    if (response.status >= 500) span?.setStatus({ code: SpanStatusCode.ERROR });
    return { ...response, headers: { ...response.headers, ...common } };
  };
}

async function dispatch(routes: RouteTable, open: () => Promise<ControlPlane>, req: ApiRequest, invocation: ApiInvocation, correlationId: string): Promise<ApiResponse> {
  const method = req.method.toUpperCase() as HttpMethod;
  const route = routes[method];
  if (!route) return problemResponse(405, 'method_not_allowed', `${req.method} is not supported here`, [], { allow: Object.keys(routes).join(', ') });
  const cp = await open();
  let principal = systemPrincipal;
  if (route.role !== 'public') {
    principal = authenticate(req.headers, cp.auth);
    authorize(principal, route.role);
  }
  const body = method === 'GET' || method === 'DELETE' ? '' : await readBody(req);
  const call: ApiCall = { req, body, principal, change: { principal, correlationId }, invocation, cp };
  const key = req.headers.get('idempotency-key');
  if (method !== 'POST' || key === null) return route.handle(call);
  const path = new URL(req.url).pathname;
  const fingerprint = createHash('sha256').update(`${method} ${path}\n${body}`).digest('hex');
  return cp.idempotency.run(`${principal.kind}:${principal.id} ${method} ${path}`, key, fingerprint, () => route.handle(call));
}

async function readBody(req: ApiRequest): Promise<string> {
  const declared = Number(req.headers.get('content-length') ?? '0');
  const tooLarge = () => new DomainError('payload_too_large', 'payload_too_large', `the body exceeds ${maxBodyBytes} bytes`);
  if (declared > maxBodyBytes) throw tooLarge();
  const text = await req.text();
  if (Buffer.byteLength(text, 'utf8') > maxBodyBytes) throw tooLarge();
  return text;
}

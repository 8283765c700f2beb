import type { RegisteredFunction } from '../core/createCoreApi.js';
import type { RpcBindingInfo } from '../core/coreTypes.js';
import { problem, type HostRequest, type HostResponse } from '../core/hostTypes.js';
import type { Invoker } from '../core/invokeFunction.js';
import { fromRpcHttpResponse, toRpcHttpRequest } from './convertHttp.js';
import { isAuthorized, type HostKeys } from './keys.js';
import { compareRoutes, matchRoute, parseRouteTemplate, type RouteTemplate } from './routeTemplate.js';

export interface HttpRoute {
  fn: RegisteredFunction;
  triggerName: string;
  template: RouteTemplate;
  /** Upper-case; undefined = every method. */
  methods?: string[];
  authLevel: string;
  httpOutputName?: string;
}

export function triggerBinding(fn: RegisteredFunction): [string, RpcBindingInfo] | undefined {
  return Object.entries(fn.metadata.bindings).find(([, b]) => typeof b.type === 'string' && /trigger$/i.test(b.type));
}

/** Builds the route table from the registered HTTP functions, most specific route first. */
export function buildHttpRoutes(functions: Iterable<RegisteredFunction>): HttpRoute[] {
  const routes: HttpRoute[] = [];
  for (const fn of functions) {
    const trigger = triggerBinding(fn);
    if (!trigger || trigger[1].type?.toLowerCase() !== 'httptrigger') continue;
    const [triggerName, binding] = trigger;
    const route = typeof binding.route === 'string' && binding.route !== '' ? binding.route : fn.metadata.name;
    const methods = Array.isArray(binding.methods) ? binding.methods.map((m) => String(m).toUpperCase()) : undefined;
    const output = Object.entries(fn.metadata.bindings).find(
      ([, b]) => b.direction === 'out' && b.type?.toLowerCase() === 'http',
    );
    routes.push({
      fn,
      triggerName,
      template: parseRouteTemplate(route),
      methods: methods && methods.length > 0 ? methods : undefined,
      authLevel: typeof binding.authLevel === 'string' ? binding.authLevel : 'anonymous',
      httpOutputName: output?.[0],
    });
  }
  return routes.sort((a, b) => compareRoutes(a.template, b.template));
}

/**
 * What the headers decide for a request to `/{routePrefix}/...` (`path` is what follows the prefix): the matching
 * route and its parameters, or the refusal (404 no route, 405 method, 401 key) — before the body is read.
 */
export function matchHttpTrigger(
  routes: HttpRoute[],
  req: Omit<HostRequest, 'body'>,
  path: string,
  keys: HostKeys,
): { route: HttpRoute; params: Record<string, string> } | { refused: HostResponse } {
  const matches = routes
    .map((route) => ({ route, params: matchRoute(route.template, path) }))
    .filter((m): m is { route: HttpRoute; params: Record<string, string> } => m.params !== undefined);
  if (matches.length === 0) return { refused: problem(404, 'RouteNotFound', `No function matches ${req.method} ${req.url.pathname}`) };
  const match = matches.find((m) => !m.route.methods || m.route.methods.includes(req.method));
  if (!match) {
    const allow = [...new Set(matches.flatMap((m) => m.route.methods ?? []))].sort().join(', ');
    return { refused: problem(405, 'MethodNotAllowed', `${req.method} is not allowed on ${req.url.pathname}`, {}, { allow }) };
  }
  if (!isAuthorized(match.route.authLevel, req, keys)) {
    return { refused: problem(401, 'Unauthorized', `A valid ${match.route.authLevel === 'admin' ? 'master' : 'function'} key is required (x-functions-key header or ?code=)`) };
  }
  return match;
}

/** Answers one request to `/{routePrefix}/...`; `path` is what follows the prefix. */
export async function handleHttpTrigger(
  routes: HttpRoute[],
  req: HostRequest,
  path: string,
  keys: HostKeys,
  invoker: Invoker,
): Promise<HostResponse> {
  const match = matchHttpTrigger(routes, req, path, keys);
  if ('refused' in match) return match.refused;
  const { route, params } = match;
  const { http, triggerMetadata } = toRpcHttpRequest(req, params);
  const outcome = await invoker.invoke(route.fn, {
    inputData: [{ name: route.triggerName, data: { http } }],
    triggerMetadata,
    ...incomingTraceContext(req.headers),
    reason: 'This function was programmatically called via the host APIs.',
  });
  if (!outcome.ok) {
    return problem(500, 'FunctionInvocationFailed', `Function '${route.fn.metadata.name}' failed; see the host log for this invocation id`, {
      invocationId: outcome.invocationId,
    });
  }
  return fromRpcHttpResponse(outcome.response, route.httpOutputName);
}

/**
 * The real host's invocation span continues the request's W3C `traceparent` and hands its own context to the worker;
 * this host has no span of its own, so it hands the request's (same trace id, the caller's span as parent). Without
 * the header it passes none (docs/local-host.md).
 */
function incomingTraceContext(headers: Record<string, string | undefined>): { traceContext?: { traceParent: string; traceState?: string } } {
  const traceParent = headers['traceparent'];
  if (!traceParent) return {};
  const traceState = headers['tracestate'];
  return { traceContext: { traceParent, ...(traceState ? { traceState } : {}) } };
}

import type { RegisteredFunction } from './registeredFunctions';

export interface DeclaredSubscription {
  name: string;
  function: string;
  source: 'topic' | 'redis';
  eventTypes?: string[];
}

/**
 * Problems between the Event Grid functions the app registers and the subscriptions declared for them: a function
 * nobody subscribes (it would never run in Azure), a subscription to a function that is not an Event Grid trigger,
 * and event types that cannot arrive on the subscription's source.
 */
export function subscriptionProblems(
  functions: readonly RegisteredFunction[],
  subscriptions: readonly DeclaredSubscription[],
  appEventTypes: readonly string[],
): string[] {
  const problems: string[] = [];
  const eventGridFunctions = new Set(functions.filter((f) => f.trigger === 'eventGrid').map((f) => f.name.toLowerCase()));
  const subscribed = new Set(subscriptions.map((s) => s.function.toLowerCase()));
  for (const fn of functions.filter((f) => f.trigger === 'eventGrid')) {
    if (!subscribed.has(fn.name.toLowerCase())) {
      problems.push(`Event Grid function '${fn.name}' (${fn.file}) has no subscription in infra/eventgrid-subscriptions.json`);
    }
  }
  const known = new Set(appEventTypes.map((t) => t.toLowerCase()));
  for (const sub of subscriptions) {
    if (!eventGridFunctions.has(sub.function.toLowerCase())) {
      problems.push(`subscription '${sub.name}' targets '${sub.function}', which is not a registered Event Grid function`);
    }
    for (const type of sub.eventTypes ?? []) {
      if (sub.source === 'topic' && !known.has(type.toLowerCase())) {
        problems.push(`subscription '${sub.name}' filters on '${type}', which is not in the event catalogue`);
      }
      if (sub.source === 'redis' && !type.startsWith('Microsoft.Cache.')) {
        problems.push(`subscription '${sub.name}' (source redis) filters on '${type}', not a Microsoft.Cache.* event`);
      }
    }
  }
  return problems;
}

/** `clusters/{id}` → `clusters/{}`; optional `{id?}` yields the route with and without the segment. */
export function routeVariants(route: string): string[] {
  const segments = route.replace(/^\/+|\/+$/g, '').split('/');
  let variants: string[][] = [[]];
  for (const segment of segments) {
    const param = /^\{\*?([A-Za-z0-9_]+)(?::[^}?]*)?(\?)?\}$/.exec(segment);
    const normal = param ? '{}' : segment.toLowerCase();
    variants = param?.[2] ? [...variants.map((v) => [...v, normal]), ...variants] : variants.map((v) => [...v, normal]);
  }
  return [...new Set(variants.map((v) => v.join('/')))];
}

export interface OpenApiDocument {
  paths?: Record<string, Record<string, unknown>>;
}

/**
 * HTTP functions (route + method) missing from the OpenAPI document APIM imports, and documented operations no
 * function registers (APIM would forward them to a 404). APIM forwards to `https://<app>/api`, so document paths
 * are relative to the `api` route prefix and must not repeat it.
 */
export function openApiProblems(functions: readonly RegisteredFunction[], document: OpenApiDocument): string[] {
  const problems: string[] = [];
  const paths = new Map<string, Set<string>>();
  for (const [path, item] of Object.entries(document.paths ?? {})) {
    if (/^\/api(\/|$)/i.test(path)) problems.push(`OpenAPI path '${path}' repeats the /api prefix APIM's serviceUrl already has`);
    const key = routeVariants(path)[0] ?? '';
    const methods = paths.get(key) ?? new Set<string>();
    for (const method of Object.keys(item)) methods.add(method.toUpperCase());
    paths.set(key, methods);
  }
  const registered = new Map<string, Set<string>>();
  for (const fn of functions.filter((f) => f.trigger === 'http')) {
    for (const variant of routeVariants(fn.route ?? fn.name)) {
      const methods = registered.get(variant) ?? new Set<string>();
      for (const method of fn.methods ?? []) methods.add(method);
      registered.set(variant, methods);
    }
  }
  for (const [path, item] of Object.entries(document.paths ?? {})) {
    const methods = registered.get(routeVariants(path)[0] ?? '');
    for (const method of Object.keys(item).map((m) => m.toUpperCase())) {
      if (!methods?.has(method)) problems.push(`infra/openapi.json documents ${method} ${path}, which no HTTP function registers`);
    }
  }
  for (const fn of functions.filter((f) => f.trigger === 'http')) {
    const variants = routeVariants(fn.route ?? fn.name);
    const documented = variants.map((v) => paths.get(v)).find((m) => m !== undefined);
    if (!documented) {
      problems.push(`HTTP function '${fn.name}' route '${fn.route ?? fn.name}' is not in infra/openapi.json`);
      continue;
    }
    for (const method of fn.methods ?? []) {
      if (!documented.has(method)) problems.push(`HTTP function '${fn.name}': ${method} /${fn.route ?? fn.name} is not in infra/openapi.json`);
    }
  }
  return problems;
}

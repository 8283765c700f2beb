import { z } from 'zod';
import { jobIdSchema } from '../../platform/jobs/jobRoutes';
import { resourceIdSchema } from '../../platform/registry/resourceId';
import { named, type ConventionHeader, type DocumentedRoute, type NamedSchema, type ResponseDoc } from '../../platform/http/RouteDoc';
import type { ApiEndpoint } from './ApiEndpoint';
import { jsonSchema } from './jsonSchema';
import { SchemaComponents } from './SchemaComponents';

/** The OpenAPI version written: 3.0.3 is the newest API Management processes fully (3.1 is import-only). */
export const openApiVersion = '3.0.3';

const problemSchema = named(
  'Problem',
  z.object({
    type: z.string(),
    title: z.string(),
    status: z.int(),
    code: z.string().describe('stable machine-readable error code'),
    detail: z.string().optional(),
    errors: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
  }),
);

/** Path parameters every area shares; a route's `params` adds others or overrides these. */
const knownParams: Record<string, { description: string; schema: NamedSchema }> = {
  id: { description: 'cluster id', schema: named('ResourceId', resourceIdSchema) },
  ns: { description: 'namespace id', schema: named('ResourceId', resourceIdSchema) },
  jobId: { description: 'job id', schema: named('JobId', jobIdSchema) },
};

const conventionHeaders: Record<ConventionHeader | 'x-correlation-id', string> = {
  'If-Match': 'ETag the change is based on; 412 when the resource moved on',
  'If-None-Match': '`*` on PUT = create only; on GET, 304 when unchanged',
  'Idempotency-Key': 'repeat-safe POST: the same key returns the first response',
  'x-correlation-id': 'echoed back and recorded in the audit log',
};

const roleProblems: Record<string, string> = {
  '400': 'invalid input (code and field in the problem)',
  '401': 'no or invalid credentials',
  '403': 'the role is insufficient',
  '500': 'internal error (invocation id in detail)',
};

/** What describing the endpoints gave: the document, and what stops it from being complete and importable. */
export interface ApiDescription {
  document: Record<string, unknown>;
  problems: string[];
}

/**
 * The OpenAPI document of the admin API, from the HTTP functions as registered (routes, methods, auth level) and the
 * `doc` each route declares beside its handler; every request and response body is a named component (`$ref`).
 * `problems` lists a registered method without a description, a description of a method that is not registered,
 * duplicate operation ids and conflicting component names: the generator (tools/openapi.ts) refuses to write then.
 */
export function describeApi(endpoints: readonly ApiEndpoint[]): ApiDescription {
  const components = new SchemaComponents();
  const problems: string[] = [];
  const operationIds = new Map<string, string>();
  const paths: Record<string, Record<string, unknown>> = {};
  for (const endpoint of [...endpoints].sort((a, b) => a.route.localeCompare(b.route))) {
    const where = `HTTP function '${endpoint.functionName}'`;
    if (/\{[^}]*\?\}/.test(endpoint.route)) problems.push(`${where}: optional route parameters are not described; split the route`);
    const path = `/${endpoint.route.replace(/\{(\w+)(:[^}?]*)?\??\}/g, '{$1}')}`;
    for (const method of Object.keys(endpoint.routes)) {
      if (!endpoint.methods.includes(method as never)) problems.push(`${where}: ${method} ${path} is described but not registered (methods: ${endpoint.methods.join(', ')})`);
    }
    for (const method of endpoint.methods) {
      const route = endpoint.routes[method];
      if (!route) {
        problems.push(`${where}: ${method} ${path} is registered but has no route declaration with a doc`);
        continue;
      }
      const seen = operationIds.get(route.doc.operationId);
      if (seen) problems.push(`${where}: operationId '${route.doc.operationId}' is also used by ${seen}`);
      operationIds.set(route.doc.operationId, `${method} ${path}`);
      (paths[path] ??= {})[method.toLowerCase()] = operation(endpoint, method, path, route, components, problems);
    }
  }
  components.ref(problemSchema, 'output', 'conventions');
  return {
    document: {
      openapi: openApiVersion,
      info: {
        title: 'Redis Cluster Manager admin API',
        version: '0.2.0',
        description: 'Register Redis clusters and namespace policies, operate them through jobs, read health, metrics and the audit log. Errors are application/problem+json with a stable `code`. Each operation states the minimum role (reader < operator < admin) of the API key or Entra identity.',
      },
      servers: [{ url: '/api' }],
      security: [{ functionKey: [], apiKey: [] }],
      tags: [{ name: 'admin', description: 'needs a role-bearing API key or Entra identity' }, { name: 'meta', description: 'the API itself and its pages' }],
      paths,
      components: {
        schemas: components.toJSON(),
        securitySchemes: {
          functionKey: { type: 'apiKey', in: 'header', name: 'x-functions-key', description: 'Azure Functions function key (APIM adds it)' },
          apiKey: { type: 'apiKey', in: 'header', name: 'x-api-key', description: 'role-bearing API key (API_KEYS setting); behind APIM, an Entra token instead' },
        },
      },
    },
    problems: [...problems, ...components.problems],
  };
}

/** {@link describeApi}, throwing when the description is incomplete. */
export function buildOpenApiDocument(endpoints: readonly ApiEndpoint[]): Record<string, unknown> {
  const { document, problems } = describeApi(endpoints);
  if (problems.length > 0) throw new Error(`the API description is incomplete:\n${problems.join('\n')}`);
  return document;
}

function operation(endpoint: ApiEndpoint, method: string, path: string, route: DocumentedRoute, components: SchemaComponents, problems: string[]): Record<string, unknown> {
  const { doc, role } = route;
  const usedBy = `${method} ${path}`;
  const checksRole = role !== 'public' && endpoint.authLevel !== 'anonymous';
  const parameters: Record<string, unknown>[] = [];
  for (const name of [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1] ?? '')) {
    const param = doc.params?.[name] ?? knownParams[name];
    if (!param) {
      problems.push(`${usedBy}: path parameter '${name}' has no description (add it to the route's doc.params)`);
      continue;
    }
    parameters.push({ name, in: 'path', required: true, description: param.description, schema: components.ref(param.schema ?? named('ResourceId', resourceIdSchema), 'input', usedBy) });
  }
  for (const name of Object.keys(doc.params ?? {})) if (!path.includes(`{${name}}`)) problems.push(`${usedBy}: doc.params names '${name}', which is not in the route`);
  if (doc.query) {
    const query = jsonSchema(doc.query, 'input') as { properties?: Record<string, Record<string, unknown>>; required?: string[] };
    for (const [name, { description, ...schema }] of Object.entries(query.properties ?? {})) {
      parameters.push({ name, in: 'query', required: query.required?.includes(name) ?? false, ...(description ? { description } : {}), schema });
    }
  }
  const headers = [...(doc.headers ?? []), ...(doc.tag === 'meta' ? [] : (['x-correlation-id'] as const))];
  for (const name of headers) parameters.push({ name, in: 'header', required: false, description: conventionHeaders[name], schema: { type: 'string' } });
  if (doc.body && ['GET', 'HEAD', 'OPTIONS'].includes(method)) problems.push(`${usedBy}: a ${method} body is dropped by API Management`);
  const responses: Record<string, unknown> = {};
  const all: Record<string, ResponseDoc | string> = { ...(checksRole ? roleProblems : { '500': roleProblems['500'] ?? '' }), ...doc.responses };
  for (const status of Object.keys(all).sort()) responses[status] = response(status, all[status] ?? '', components, usedBy);
  return {
    operationId: doc.operationId,
    summary: doc.summary,
    description: [doc.description, role === 'public' ? (endpoint.authLevel === 'anonymous' ? 'No key needed.' : 'Function key only; no role.') : `Role: ${role} or higher.`].filter(Boolean).join('\n\n'),
    tags: [doc.tag ?? 'admin'],
    ...(checksRole ? {} : { security: endpoint.authLevel === 'anonymous' ? [] : [{ functionKey: [] }] }),
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(doc.body ? { requestBody: { required: doc.body.required ?? true, content: { 'application/json': { schema: components.ref(doc.body.schema, 'input', usedBy) } } } } : {}),
    responses,
  };
}

function response(status: string, entry: ResponseDoc | string, components: SchemaComponents, usedBy: string): Record<string, unknown> {
  const doc: ResponseDoc = typeof entry === 'string' ? { description: entry } : entry;
  const isProblem = Number(status) >= 400;
  const body = doc.body ?? (isProblem ? problemSchema : undefined);
  const contentType = doc.contentType ?? (isProblem && !doc.body ? 'application/problem+json' : 'application/json');
  return {
    description: doc.description,
    ...(doc.headers ? { headers: Object.fromEntries(Object.entries(doc.headers).map(([name, description]) => [name, { description, schema: { type: 'string' } }])) } : {}),
    ...(body ? { content: { [contentType]: { schema: components.ref(body, 'output', usedBy) } } } : {}),
  };
}

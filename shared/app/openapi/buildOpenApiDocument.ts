import { eventsQuerySchema } from '../../admin/clusters/clusterEventRoutes';
import { invalidateRequestSchema } from '../../admin/invalidation/invalidationRequest';
import { ttlHygieneRequestSchema } from '../../admin/ttlHygiene/ttlHygieneRequest';
import { monitoringOpenApiPaths } from '../../monitoring/collection/monitoringOpenApi';
import { evictionOpenApiPaths } from '../../eviction/policy/evictionOpenApi';
import { warmingOpenApiPaths } from '../../warming/warmOpenApi';
import { componentSchemas, jsonSchema } from './openApiSchemas';

type Operation = Record<string, unknown>;
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: unknown) => ({ 'application/json': { schema } });
const problem = (description: string) => ({ description, content: { 'application/problem+json': { schema: ref('Problem') } } });
const idParam = { name: 'id', in: 'path', required: true, description: 'cluster id', schema: ref('ResourceId') };
const nsParam = { name: 'ns', in: 'path', required: true, description: 'namespace id', schema: ref('ResourceId') };
const header = (name: string, description: string) => ({ name, in: 'header', required: false, description, schema: { type: 'string' } });
const ifMatch = header('If-Match', 'ETag the change is based on; 412 when the resource moved on');
const ifNoneMatch = header('If-None-Match', '`*` on PUT = create only; on GET, 304 when unchanged');
const idempotencyKey = header('Idempotency-Key', 'repeat-safe POST: the same key returns the first response');
const jobIdParam = { name: 'id', in: 'path', required: true, description: 'job id', schema: { type: 'string', pattern: '^[a-z0-9][a-z0-9-]{0,127}$' } };
const jobAccepted = {
  description: 'job created; poll Location',
  headers: { Location: { description: '/api/jobs/{jobId}', schema: { type: 'string' } } },
  content: { 'application/json': { schema: { type: 'object', properties: { jobId: { type: 'string' }, kind: { type: 'string' }, status: { type: 'string' }, href: { type: 'string' } } } } },
};
const etag = { ETag: { description: 'strong entity tag of the returned version', schema: { type: 'string' } } };

const redisDown = {
  description: 'the cluster is unreachable, times out, is busy or its circuit is open (code, circuit state, Retry-After)',
  headers: { 'Retry-After': { description: 'seconds before trying again', schema: { type: 'string' } } },
  content: { 'application/problem+json': { schema: ref('Problem') } },
};
const authProblems = { '401': problem('no or invalid credentials'), '403': problem('the role is insufficient'), '500': problem('internal error (invocation id in detail)') };

/** One operation with the conventions every admin route shares. */
function op(operationId: string, summary: string, role: string, parameters: unknown[], responses: Record<string, unknown>, requestBody?: string): Operation {
  return {
    operationId,
    summary,
    tags: ['admin'],
    'x-rcm-role': role,
    parameters: [...parameters, header('x-correlation-id', 'echoed back and recorded in the audit log')],
    ...(requestBody ? { requestBody: { required: true, content: json(ref(requestBody)) } } : {}),
    responses: { ...responses, '400': problem('invalid input (code and field in the problem)'), ...authProblems },
  };
}

const resource = (schema: string, description: string) => ({ description, headers: etag, content: json(ref(schema)) });
const putResponses = (schema: string) => ({
  '200': resource(schema, 'replaced (or unchanged)'),
  '201': resource(schema, 'created'),
  '404': problem('the cluster is not registered'),
  '409': problem('concurrent writers kept winning; retry'),
  '412': problem('If-Match / If-None-Match failed; nothing changed'),
  '413': problem('body larger than 64 KiB'),
  '415': problem('body is not application/json'),
});

/**
 * The OpenAPI 3.1 document of the admin API, generated from the zod schemas the handlers validate with (so it cannot
 * drift from behaviour). `tools/openapi.ts` writes it to `infra/openapi.json` for API Management.
 */
export function buildOpenApiDocument(): Record<string, unknown> {
  const eventsQuery = jsonSchema(eventsQuerySchema, 'input') as { properties: Record<string, unknown> };
  return {
    openapi: '3.1.0',
    info: {
      title: 'Redis Cluster Manager admin API',
      version: '0.1.0',
      description: 'Register Redis clusters and namespace policies; read the audit log. Errors are application/problem+json with a stable `code`.',
    },
    servers: [{ url: '/api' }],
    security: [{ functionKey: [], apiKey: [] }],
    tags: [{ name: 'admin' }, { name: 'meta' }],
    paths: {
      '/clusters': {
        get: op('listClusters', 'List registered clusters', 'reader', [], { '200': { description: 'clusters', content: json(ref('ClusterList')) } }),
      },
      '/clusters/{id}': {
        get: op('getCluster', 'Read a cluster registration', 'reader', [idParam, ifNoneMatch], { '200': resource('Cluster', 'the cluster'), '304': { description: 'not modified' }, '404': problem('not registered') }),
        put: op('putCluster', 'Register or replace a cluster (secret references only)', 'admin', [idParam, ifMatch, ifNoneMatch], putResponses('Cluster'), 'ClusterSpec'),
        delete: op('deleteCluster', 'Remove a cluster registration and its namespace policies', 'admin', [idParam, ifMatch], { '204': { description: 'removed' }, '404': problem('not registered'), '412': problem('If-Match failed') }),
      },
      '/clusters/{id}/namespaces': {
        get: op('listNamespaces', 'List namespace policies of a cluster', 'reader', [idParam], { '200': { description: 'policies', content: json(ref('NamespacePolicyList')) }, '404': problem('cluster not registered') }),
      },
      '/clusters/{id}/namespaces/{ns}': {
        get: op('getNamespace', 'Read a namespace policy', 'reader', [idParam, nsParam, ifNoneMatch], { '200': resource('NamespacePolicy', 'the policy'), '304': { description: 'not modified' }, '404': problem('no such cluster or policy') }),
        put: op('putNamespace', 'Create or replace a namespace policy', 'operator', [idParam, nsParam, ifMatch, ifNoneMatch], putResponses('NamespacePolicy'), 'NamespacePolicySpec'),
        delete: op('deleteNamespace', 'Remove a namespace policy (keys in Redis are untouched)', 'operator', [idParam, nsParam, ifMatch], { '204': { description: 'removed' }, '404': problem('no such cluster or policy'), '412': problem('If-Match failed') }),
      },
      '/clusters/{id}/events': {
        get: op('listClusterEvents', 'Audit log of a cluster, newest first', 'reader', [
          idParam,
          { name: 'limit', in: 'query', required: false, schema: eventsQuery.properties['limit'] },
          { name: 'before', in: 'query', required: false, description: 'version cursor from `next`', schema: eventsQuery.properties['before'] },
        ], { '200': { description: 'a page of events', content: json(ref('AuditPage')) }, '404': problem('the cluster has no history') }),
      },
      '/clusters/{id}/topology': {
        get: op('getClusterTopology', 'Nodes, roles, slot ranges, link state, flags, epochs, keys and memory per node', 'reader', [idParam], {
          '200': { description: 'the topology as seen from the first answering endpoint', content: json({ type: 'object' }) },
          '404': problem('the cluster is not registered'),
          '503': redisDown,
        }),
      },
      '/clusters/{id}/health': {
        get: op('getClusterHealth', 'Findings of `redis-cli --cluster check` and more (replicas, failed nodes, memory headroom, persistence)', 'reader', [idParam], {
          '200': { description: 'verdict, redisCliVerdict and findings (code, severity, evidence, fix)', content: json({ type: 'object' }) },
          '404': problem('the cluster is not registered'),
          '503': redisDown,
        }),
      },
      '/clusters/{id}/keys/{key}': {
        get: op('inspectKey', 'Type, TTL, memory, encoding, idle time or LFU frequency, slot and owning node of one key', 'reader', [
          idParam,
          { name: 'key', in: 'path', required: true, description: 'the key (URL-encoded; base64url with keyEncoding=base64 for binary keys or keys with "/")', schema: { type: 'string', minLength: 1 } },
          { name: 'keyEncoding', in: 'query', required: false, description: 'how {key} is encoded', schema: { type: 'string', enum: ['utf8', 'base64'], default: 'utf8' } },
        ], {
          '200': { description: 'the key', content: json({ type: 'object' }) },
          '404': problem('the cluster is not registered or the key does not exist'),
          '503': redisDown,
        }),
      },
      '/clusters/{id}/namespaces/{ns}/invalidate': {
        post: {
          ...op('invalidateNamespace', 'Invalidate a namespace: throttled, resumable SCAN + UNLINK on every master as a job; `dryRun` answers a sampled estimate', 'operator', [idParam, nsParam, idempotencyKey], {
            '200': { description: 'dry run: estimatedKeys, margin95, method, per-node samples', content: json({ type: 'object' }) },
            '202': jobAccepted,
            '403': problem('force needs the admin role'),
            '404': problem('the cluster or the namespace is not registered'),
            '409': problem('protected namespace or match-everything pattern without force (namespace_protected)'),
            '503': redisDown,
          }),
          requestBody: { required: false, content: json(jsonSchema(invalidateRequestSchema, 'input')) },
        },
      },
      '/clusters/{id}/namespaces/{ns}/ttl-hygiene': {
        post: {
          ...op('ttlHygiene', 'Set the namespace TTL (with jitter, EXPIRE NX) on its keys that have none, as a job; `dryRun` only counts them', 'operator', [idParam, nsParam, idempotencyKey], {
            '202': jobAccepted,
            '403': problem('force needs the admin role'),
            '404': problem('the cluster or the namespace is not registered'),
            '409': problem('the policy has no TTL (namespace_has_no_ttl), or protected namespace without force'),
            '503': redisDown,
          }),
          requestBody: { required: false, content: json(jsonSchema(ttlHygieneRequestSchema, 'input')) },
        },
      },
      '/clusters/{id}/jobs': {
        get: op('listClusterJobs', 'Jobs of a cluster, newest first', 'reader', [idParam, { name: 'limit', in: 'query', required: false, schema: { type: 'integer', minimum: 1, maximum: 200, default: 50 } }], {
          '200': { description: 'jobs', content: json({ type: 'object' }) },
          '404': problem('the cluster is not registered'),
        }),
      },
      '/jobs/{id}': {
        get: op('getJob', 'Status and progress of a job (summed and per node), lease, result or error', 'reader', [jobIdParam], {
          '200': { description: 'the job', content: json({ type: 'object' }) },
          '404': problem('no such job'),
        }),
      },
      '/jobs/{id}/cancel': {
        post: op('cancelJob', 'Cancel a job: at once when idle, else at its next checkpoint', 'operator', [jobIdParam, idempotencyKey], {
          '200': { description: 'cancelled', content: json({ type: 'object' }) },
          '202': { description: 'cancel requested; the running chunk stops at its next checkpoint', content: json({ type: 'object' }) },
          '404': problem('no such job'),
          '409': problem('the job already finished'),
        }),
      },
      ...monitoringOpenApiPaths({ op, problem, json, idParam }),
      ...evictionOpenApiPaths({ op, problem, json, idParam, jobAccepted, redisDown, idempotencyKey }),
      ...warmingOpenApiPaths({ op, problem, json, idParam, nsParam, jobAccepted, redisDown, idempotencyKey }),
      '/openapi.json': {
        get: { operationId: 'getOpenApi', summary: 'This document', tags: ['meta'], security: [{ functionKey: [] }], responses: { '200': { description: 'OpenAPI 3.1', content: json({ type: 'object' }) } } },
      },
      '/health': {
        get: {
          operationId: 'getHealth',
          summary: "Health of the manager's own dependencies (Table Storage, Redis), version and uptime",
          tags: ['meta'],
          security: [],
          responses: { '200': { description: 'all dependencies ok', content: json({ type: 'object' }) }, '503': { description: 'a dependency is down', content: json({ type: 'object' }) } },
        },
      },
    },
    components: {
      schemas: componentSchemas(),
      securitySchemes: {
        functionKey: { type: 'apiKey', in: 'header', name: 'x-functions-key', description: 'Azure Functions function key (APIM adds it)' },
        apiKey: { type: 'apiKey', in: 'header', name: 'x-api-key', description: 'role-bearing API key (API_KEYS setting); behind APIM, an Entra token instead' },
      },
    },
  };
}

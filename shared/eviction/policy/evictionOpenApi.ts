import { analysisRequestSchema } from '../analysis/analysisRequest';
import { jsonSchema, type OpenApiHelpers } from '../../platform/http/openApiConventions';
import { applyPolicyRequestSchema } from './evictionPolicyRoutes';

type Helpers = OpenApiHelpers & { jobAccepted: unknown; redisDown: unknown; idempotencyKey: unknown };

/** OpenAPI paths of the analysis and eviction area. */
export function evictionOpenApiPaths({ op, problem, json, idParam, jobAccepted, redisDown, idempotencyKey }: Helpers): Record<string, Record<string, unknown>> {
  const notRegistered = problem('the cluster is not registered');
  return {
    '/clusters/{id}/analysis': {
      post: {
        ...op('analyzeCluster', 'Memory analysis by namespace (keys, memory, types, TTL and idle/LFU distributions, top keys; sampled with 95 % bounds or exact) with an eviction-policy recommendation, as a job', 'operator', [idParam, idempotencyKey], {
          '202': jobAccepted,
          '404': notRegistered,
          '503': redisDown,
        }),
        requestBody: { required: false, content: json(jsonSchema(analysisRequestSchema, 'input')) },
      },
    },
    '/clusters/{id}/analysis/{jobId}': {
      get: op('getClusterAnalysis', 'Full report of a finished analysis job: every namespace and the recommendation with its reasons and numbers', 'reader', [
        idParam,
        { name: 'jobId', in: 'path', required: true, description: 'the analysis job id', schema: { type: 'string', pattern: '^[a-z0-9][a-z0-9-]{0,127}$' } },
      ], {
        '200': { description: 'the analysis', content: json({ type: 'object' }) },
        '404': problem('no such cluster or analysis'),
        '409': { description: 'the job has not finished (analysis_not_finished, with its status)', content: json({ type: 'object' }) },
        '503': redisDown,
      }),
    },
    '/clusters/{id}/eviction-policy': {
      get: op('getEvictionPolicy', 'maxmemory-policy of every node, and the valid policies', 'reader', [idParam], { '200': { description: 'policy per node', content: json({ type: 'object' }) }, '404': notRegistered, '503': redisDown }),
      put: {
        ...op('putEvictionPolicy', 'Apply a maxmemory-policy: CONFIG SET on every master and replica (verified with CONFIG GET) or Azure Resource Manager for Azure caches; audited as Eviction.PolicyApplied', 'admin', [idParam], {
          '200': { description: 'applied and verified on every node: before/after per node', content: json({ type: 'object' }) },
          '404': notRegistered,
          '409': problem('allkeys-* while protected or persistent namespaces exist, without force (protected_namespaces)'),
          '422': problem('CONFIG SET on an Azure cache (config_set_not_supported), no azureResourceId (arm_resource_id_required), ARM refused'),
          '503': redisDown,
        }),
        requestBody: { required: true, content: json(jsonSchema(applyPolicyRequestSchema, 'input')) },
      },
    },
  };
}

import { jsonSchema, type OpenApiHelpers } from '../platform/http/openApiConventions';
import { warmRequestSchema, warmSnapshotRequestSchema } from './warmRoutes';

type Helpers = OpenApiHelpers & { jobAccepted: unknown; redisDown: unknown; idempotencyKey: unknown; nsParam: unknown };

/** OpenAPI paths of the warming area (warm plans themselves are the `warmPlan` field of a namespace policy). */
export function warmingOpenApiPaths({ op, problem, json, idParam, nsParam, jobAccepted, redisDown, idempotencyKey }: Helpers): Record<string, Record<string, unknown>> {
  return {
    '/clusters/{id}/warm': {
      post: {
        ...op('warmNamespace', "Run a namespace's warm plan as a job (dry run: read and check the source, write nothing)", 'operator', [idParam, idempotencyKey], {
          '202': jobAccepted,
          '404': problem('the cluster or namespace is not registered'),
          '409': problem('the namespace has no warm plan (warm_plan_missing)'),
        }),
        requestBody: { required: true, content: json(jsonSchema(warmRequestSchema, 'input')) },
      },
    },
    '/clusters/{id}/namespaces/{ns}/warm-snapshot': {
      post: {
        ...op('takeWarmSnapshot', 'Store the hot set of a namespace (top keys by LFU frequency or idle time, as DUMP payloads) in Blob Storage', 'operator', [idParam, nsParam, idempotencyKey], {
          '201': { description: 'the snapshot (container, blob, keys, rankedBy)', content: json({ type: 'object' }) },
          '404': problem('the cluster or namespace is not registered'),
          '503': redisDown,
        }),
        requestBody: { required: false, content: json(jsonSchema(warmSnapshotRequestSchema, 'input')) },
      },
    },
  };
}

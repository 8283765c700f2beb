import type { RouteTable } from '../../platform/http/apiHandler';
import { namespaceParamsSchema } from '../../platform/registry/resourceId';
import { parseInput } from '../../platform/http/parseInput';
import { readJsonBody } from '../../platform/http/readJsonBody';
import { preflight } from '../invalidation/preflight';
import { resolvePattern } from '../invalidation/resolvePattern';
import { acceptedJob, jobAcceptedDoc } from '../../platform/jobs/jobRoutes';
import { jobRuntime } from '../../platform/jobs/jobRuntime';
import { JobService } from '../../platform/jobs/JobService';
import { redisUnavailableDoc, withRedisProblems } from '../../platform/redis/redisProblemResponse';
import { conflict } from '../../platform/store/DomainError';
import { ttlHygieneRequestSchema, type TtlHygieneParams } from './ttlHygieneRequest';
import { named } from '../../platform/http/RouteDoc';
import { ttlHygieneEstimate } from './ttlHygieneEstimate';

/**
 * `POST /api/clusters/{id}/namespaces/{ns}/ttl-hygiene` (operator; admin + force for protected namespaces):
 * 202 + `Location` of a job that sets the namespace TTL (with jitter) on keys that have none; `dryRun` only counts
 * them (the job's `withoutTtl`). 409 `namespace_has_no_ttl` when the policy sets no TTL.
 */
export const ttlHygieneRoutes: RouteTable = {
  POST: {
    role: 'operator',
    doc: {
      operationId: 'ttlHygiene',
      summary: 'Set the namespace TTL (with jitter, EXPIRE NX) on its keys that have none, as a job; `dryRun` only counts them',
      headers: ['Idempotency-Key'],
      body: { schema: named('TtlHygieneRequest', ttlHygieneRequestSchema), required: false },
      responses: {
        '202': jobAcceptedDoc,
        '403': 'force needs the admin role',
        '404': 'the cluster or the namespace is not registered',
        '409': 'the policy has no TTL (namespace_has_no_ttl), or protected namespace without force',
        '503': redisUnavailableDoc,
      },
    },
    async handle({ req, body, cp, principal, change }) {
      const { id, ns } = parseInput(namespaceParamsSchema, req.params, 'params');
      const request = body.trim() === '' ? ttlHygieneRequestSchema.parse({}) : readJsonBody(req.headers.get('content-type'), body, ttlHygieneRequestSchema);
      const cluster = await cp.clusters.get(id);
      const policy = await cp.namespaces.get(id, ns);
      if (policy.ttlSeconds === null) throw conflict('namespace_has_no_ttl', `namespace '${ns}' has no TTL in its policy; nothing to enforce`);
      const pattern = resolvePattern(policy, undefined, request.force, principal, await cp.namespaces.list(id));
      return withRedisProblems(async () => {
        await preflight(cluster);
        const params: TtlHygieneParams = {
          pattern,
          ttlSeconds: policy.ttlSeconds ?? 0,
          jitterPercent: policy.ttlJitterPercent,
          dryRun: request.dryRun,
          keysPerSecondPerNode: request.keysPerSecondPerNode,
          latencyGuard: request.latencyGuard,
          scanCount: request.scanCount,
          // Only an admin's force lets the job touch stream and queue keys (an operator's does nothing here).
          force: request.force && principal.role === 'admin',
        };
        const { job } = await new JobService(await jobRuntime(cp)).create({ kind: 'ttl-hygiene', clusterId: id, namespace: ns, params: { ...params }, estimate: await ttlHygieneEstimate(cluster, pattern) }, change);
        return acceptedJob(job);
      });
    },
  },
};

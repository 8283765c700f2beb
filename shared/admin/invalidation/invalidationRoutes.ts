import { jsonResponse } from '../../platform/http/ApiRequest';
import { namespaceParamsSchema } from '../../platform/registry/resourceId';
import type { RouteTable } from '../../platform/http/apiHandler';
import { parseInput } from '../../platform/http/parseInput';
import { readJsonBody } from '../../platform/http/readJsonBody';
import { acceptedJob, jobAcceptedDoc } from '../../platform/jobs/jobRoutes';
import { jobRuntime } from '../../platform/jobs/jobRuntime';
import { JobService } from '../../platform/jobs/JobService';
import { redisUnavailableDoc, withRedisProblems } from '../../platform/redis/redisProblemResponse';
import { estimateMatches } from './estimateMatches';
import { invalidateRequestSchema, type InvalidateParams } from './invalidationRequest';
import { preflight } from './preflight';
import { resolvePattern } from './resolvePattern';
import { named, openObject } from '../../platform/http/RouteDoc';

/**
 * `POST /api/clusters/{id}/namespaces/{ns}/invalidate` (operator; admin with `force`): 202 + `Location` of the
 * job, or 200 with the sampled estimate for `dryRun`. 404 unknown cluster or namespace, 400 a pattern outside the
 * namespace, 409 protected namespace without force, 503 + circuit state when the cluster does not answer (checked
 * before any job is created, within a few seconds).
 */
export const invalidationRoutes: RouteTable = {
  POST: {
    role: 'operator',
    doc: {
      operationId: 'invalidateNamespace',
      summary: 'Invalidate a namespace: throttled, resumable SCAN + UNLINK on every master as a job; `dryRun` answers a sampled estimate',
      headers: ['Idempotency-Key'],
      body: { schema: named('InvalidateRequest', invalidateRequestSchema), required: false },
      responses: {
        '200': { description: 'dry run: estimatedKeys, margin95, method, per-node samples', body: openObject('InvalidationEstimate', 'estimatedKeys, margin95, method and per-node samples') },
        '202': jobAcceptedDoc,
        '403': 'force needs the admin role',
        '404': 'the cluster or the namespace is not registered',
        '409': 'protected namespace or match-everything pattern without force (namespace_protected)',
        '503': redisUnavailableDoc,
      },
    },
    async handle({ req, body, cp, principal, change }) {
      const { id, ns } = parseInput(namespaceParamsSchema, req.params, 'params');
      const request = body.trim() === '' ? invalidateRequestSchema.parse({}) : readJsonBody(req.headers.get('content-type'), body, invalidateRequestSchema);
      // Three reads at once (job start counts every round trip); errors in the order of the reads they come from.
      const [clusterRead, policyRead, policiesRead] = await Promise.allSettled([cp.clusters.get(id), cp.namespaces.get(id, ns), cp.namespaces.list(id)]);
      const cluster = settled(clusterRead);
      const policy = settled(policyRead);
      const pattern = resolvePattern(policy, request.pattern, request.force, principal, settled(policiesRead));
      return withRedisProblems(async () => {
        if (request.dryRun) return jsonResponse(200, await estimateMatches(cluster, pattern, request.sampleSize));
        await preflight(cluster);
        // The dry run's estimate is the total the job's progress counts against (the keys it will select).
        const estimate = await estimateMatches(cluster, pattern, request.sampleSize);
        const params: InvalidateParams = {
          pattern,
          maxKeys: request.maxKeys,
          keysPerSecondPerNode: request.keysPerSecondPerNode,
          latencyGuard: request.latencyGuard,
          scanCount: request.scanCount,
          // Only an admin's force lets the job touch stream and queue keys (an operator's does nothing here).
          force: request.force && principal.role === 'admin',
        };
        const { job } = await new JobService(await jobRuntime(cp)).create(
          {
            kind: 'invalidate',
            clusterId: id,
            namespace: ns,
            params: { ...params },
            estimate: {
              counter: 'selected',
              total: Math.min(request.maxKeys, estimate.estimatedKeys),
              exact: false,
              basis: estimate.method === 'exact-scan' ? 'matching keys counted when the job was created (keys written since are not in it)' : `sampled estimate of matching keys, ±${estimate.margin95} (95 %)`,
            },
          },
          change,
        );
        return acceptedJob(job);
      });
    },
  },
};

function settled<T>(result: PromiseSettledResult<T>): T {
  if (result.status === 'rejected') throw result.reason;
  return result.value;
}

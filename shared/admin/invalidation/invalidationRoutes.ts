import { jsonResponse } from '../../platform/http/ApiRequest';
import { namespaceParamsSchema } from '../../platform/registry/resourceId';
import type { RouteTable } from '../../platform/http/apiHandler';
import { parseInput } from '../../platform/http/parseInput';
import { readJsonBody } from '../../platform/http/readJsonBody';
import { acceptedJob } from '../../platform/jobs/jobRoutes';
import { jobRuntime } from '../../platform/jobs/jobRuntime';
import { JobService } from '../../platform/jobs/JobService';
import { withRedisProblems } from '../../platform/redis/redisProblemResponse';
import { estimateMatches } from './estimateMatches';
import { invalidateRequestSchema, type InvalidateParams } from './invalidationRequest';
import { preflight } from './preflight';
import { resolvePattern } from './resolvePattern';

/**
 * `POST /api/clusters/{id}/namespaces/{ns}/invalidate` (operator; admin with `force`): 202 + `Location` of the
 * job, or 200 with the sampled estimate for `dryRun`. 404 unknown cluster or namespace, 400 a pattern outside the
 * namespace, 409 protected namespace without force, 503 + circuit state when the cluster does not answer (checked
 * before any job is created, within a few seconds).
 */
export const invalidationRoutes: RouteTable = {
  POST: {
    role: 'operator',
    async handle({ req, body, cp, principal, change }) {
      const { id, ns } = parseInput(namespaceParamsSchema, req.params, 'params');
      const request = body.trim() === '' ? invalidateRequestSchema.parse({}) : readJsonBody(req.headers.get('content-type'), body, invalidateRequestSchema);
      const cluster = await cp.clusters.get(id);
      const policy = await cp.namespaces.get(id, ns);
      const pattern = resolvePattern(policy, request.pattern, request.force, principal);
      return withRedisProblems(async () => {
        if (request.dryRun) return jsonResponse(200, await estimateMatches(cluster, pattern, request.sampleSize));
        await preflight(cluster);
        const params: InvalidateParams = {
          pattern,
          maxKeys: request.maxKeys,
          keysPerSecondPerNode: request.keysPerSecondPerNode,
          latencyGuard: request.latencyGuard,
          scanCount: request.scanCount,
        };
        const { job } = await new JobService(await jobRuntime(cp)).create({ kind: 'invalidate', clusterId: id, namespace: ns, params: { ...params } }, change);
        return acceptedJob(job);
      });
    },
  },
};

import { jsonResponse } from '../../platform/http/ApiRequest';
import { clusterParamsSchema } from '../../platform/registry/resourceId';
import type { RouteTable } from '../../platform/http/apiHandler';
import { parseInput } from '../../platform/http/parseInput';
import { redisUnavailableDoc, withRedisProblems } from '../../platform/redis/redisProblemResponse';
import { readClusterHealth } from './readClusterHealth';
import { checkHotSpots } from './checkHotSpots';
import { verdictOf } from './HealthFinding';
import { openObject } from '../../platform/http/RouteDoc';

/**
 * `GET /api/clusters/{id}/health` (reader): always 200 with the report when the cluster answers (a broken
 * cluster is a verdict, not an HTTP error); 404 unknown cluster; 503 + circuit state when it does not answer.
 */
export const healthRoutes: RouteTable = {
  GET: {
    role: 'reader',
    doc: {
      operationId: 'getClusterHealth',
      summary: 'Findings of `redis-cli --cluster check` and more (replicas, failed nodes, memory headroom, persistence, hot nodes from the monitor history, hot keys from the latest radar)',
      responses: {
        '200': { description: 'verdict, redisCliVerdict and findings', body: openObject('ClusterHealth', 'verdict, redisCliVerdict and findings (code, severity, evidence, fix)') },
        '404': 'the cluster is not registered',
        '503': redisUnavailableDoc,
      },
    },
    async handle({ req, cp }) {
      const { id } = parseInput(clusterParamsSchema, req.params, 'params');
      const cluster = await cp.clusters.get(id);
      return withRedisProblems(async () => {
        const [report, hot] = await Promise.all([readClusterHealth(cluster), checkHotSpots(cp, id).catch(() => [])]); // storage trouble must not hide Redis' health (/api/health reports storage)
        // A shared health read is reused by concurrent callers: add to a copy, never to the shared object.
        const findings = [...report.findings, ...hot];
        return jsonResponse(200, { ...report, findings, verdict: verdictOf(findings) });
      });
    },
  },
};

import { jsonResponse } from '../../platform/http/ApiRequest';
import { clusterParamsSchema } from '../../platform/registry/resourceId';
import type { RouteTable } from '../../platform/http/apiHandler';
import { parseInput } from '../../platform/http/parseInput';
import { redisUnavailableDoc, withRedisProblems } from '../../platform/redis/redisProblemResponse';
import { healthFindingsTable } from '../../platform/findings/healthFindingsTable';
import { fullClusterHealth } from './fullClusterHealth';
import { recordHealth } from './recordHealth';
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
        const report = await fullClusterHealth(cp, cluster);
        // Also the latest findings for the Prometheus scrape; a failed write does not fail the read (the
        // healthSnapshot timer records them again within 5 minutes).
        await Promise.resolve()
          .then(() => recordHealth(healthFindingsTable(cp.settings.tablePrefix), report))
          .catch(() => undefined);
        return jsonResponse(200, report);
      });
    },
  },
};

import { jsonResponse } from '../../platform/http/ApiRequest';
import { clusterParamsSchema } from '../../platform/registry/resourceId';
import type { RouteTable } from '../../platform/http/apiHandler';
import { parseInput } from '../../platform/http/parseInput';
import { withRedisProblems } from '../../platform/redis/redisProblemResponse';
import { readClusterHealth } from './readClusterHealth';

/**
 * `GET /api/clusters/{id}/health` (reader): always 200 with the report when the cluster answers (a broken
 * cluster is a verdict, not an HTTP error); 404 unknown cluster; 503 + circuit state when it does not answer.
 */
export const healthRoutes: RouteTable = {
  GET: {
    role: 'reader',
    async handle({ req, cp }) {
      const { id } = parseInput(clusterParamsSchema, req.params, 'params');
      const cluster = await cp.clusters.get(id);
      return withRedisProblems(async () => jsonResponse(200, await readClusterHealth(cluster)));
    },
  },
};

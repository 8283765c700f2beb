import { clusterParamsSchema } from '../clusters/clusterRoutes';
import { jsonResponse } from '../http/ApiRequest';
import type { RouteTable } from '../http/apiHandler';
import { parseInput } from '../http/parseInput';
import { withRedisProblems } from '../redis/redisProblemResponse';
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

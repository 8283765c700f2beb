import { clusterParamsSchema } from '../clusters/clusterRoutes';
import { jsonResponse } from '../http/ApiRequest';
import type { RouteTable } from '../http/apiHandler';
import { parseInput } from '../http/parseInput';
import { withRedisProblems } from '../redis/redisProblemResponse';
import { readTopology } from './readTopology';

/** `GET /api/clusters/{id}/topology` (reader): 404 unknown cluster, 503 + circuit state when unreachable. */
export const topologyRoutes: RouteTable = {
  GET: {
    role: 'reader',
    async handle({ req, cp }) {
      const { id } = parseInput(clusterParamsSchema, req.params, 'params');
      const cluster = await cp.clusters.get(id);
      return withRedisProblems(async () => jsonResponse(200, await readTopology(cluster)));
    },
  },
};

import { jsonResponse } from '../../platform/http/ApiRequest';
import { clusterParamsSchema } from '../../platform/registry/resourceId';
import type { RouteTable } from '../../platform/http/apiHandler';
import { parseInput } from '../../platform/http/parseInput';
import { withRedisProblems } from '../../platform/redis/redisProblemResponse';
import { readTopology } from '../../platform/topology/readTopology';

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

import { jsonResponse } from '../../platform/http/ApiRequest';
import { clusterParamsSchema } from '../../platform/registry/resourceId';
import type { RouteTable } from '../../platform/http/apiHandler';
import { parseInput } from '../../platform/http/parseInput';
import { redisUnavailableDoc, withRedisProblems } from '../../platform/redis/redisProblemResponse';
import { readTopology } from '../../platform/topology/readTopology';
import { openObject } from '../../platform/http/RouteDoc';

/** `GET /api/clusters/{id}/topology` (reader): 404 unknown cluster, 503 + circuit state when unreachable. */
export const topologyRoutes: RouteTable = {
  GET: {
    role: 'reader',
    doc: {
      operationId: 'getClusterTopology',
      summary: 'Nodes, roles, slot ranges, link state, flags, epochs, keys and memory per node',
      responses: {
        '200': { description: 'the topology as seen from the first answering endpoint', body: openObject('Topology', 'nodes (id, address, role, master, slots, link state, flags, epochs, keys, memory) and where it was read from') },
        '404': 'the cluster is not registered',
        '503': redisUnavailableDoc,
      },
    },
    async handle({ req, cp }) {
      const { id } = parseInput(clusterParamsSchema, req.params, 'params');
      const cluster = await cp.clusters.get(id);
      return withRedisProblems(async () => jsonResponse(200, await readTopology(cluster)));
    },
  },
};

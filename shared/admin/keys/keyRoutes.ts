import { jsonResponse } from '../../platform/http/ApiRequest';
import { clusterParamsSchema } from '../../platform/registry/resourceId';
import type { RouteTable } from '../../platform/http/apiHandler';
import { parseInput } from '../../platform/http/parseInput';
import { withRedisProblems } from '../../platform/redis/redisProblemResponse';
import { inspectKey } from './inspectKey';
import { parseKeyParam } from './parseKeyParam';

/**
 * `GET /api/clusters/{id}/keys/{key}?keyEncoding=utf8|base64` (reader): 400 invalid key, 404 unknown cluster or
 * missing key (`key_not_found`), 503 + circuit state when the cluster does not answer.
 */
export const keyRoutes: RouteTable = {
  GET: {
    role: 'reader',
    async handle({ req, cp }) {
      const { id } = parseInput(clusterParamsSchema, { id: req.params['id'] }, 'params');
      const key = parseKeyParam(req.params['key'], req.query.get('keyEncoding') ?? undefined);
      const cluster = await cp.clusters.get(id);
      return withRedisProblems(async () => jsonResponse(200, await inspectKey(cluster, key)));
    },
  },
};

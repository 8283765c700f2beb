import { clusterParamsSchema } from '../clusters/clusterRoutes';
import { jsonResponse } from '../http/ApiRequest';
import type { RouteTable } from '../http/apiHandler';
import { parseInput } from '../http/parseInput';
import { withRedisProblems } from '../redis/redisProblemResponse';
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

import { jsonResponse } from '../../platform/http/ApiRequest';
import { clusterParamsSchema } from '../../platform/registry/resourceId';
import type { RouteTable } from '../../platform/http/apiHandler';
import { parseInput } from '../../platform/http/parseInput';
import { redisUnavailableDoc, withRedisProblems } from '../../platform/redis/redisProblemResponse';
import { inspectKey } from './inspectKey';
import { parseKeyParam } from './parseKeyParam';
import { z } from 'zod';
import { named, openObject } from '../../platform/http/RouteDoc';

/**
 * `GET /api/clusters/{id}/keys/{key}?keyEncoding=utf8|base64` (reader): 400 invalid key, 404 unknown cluster or
 * missing key (`key_not_found`), 503 + circuit state when the cluster does not answer.
 */
export const keyRoutes: RouteTable = {
  GET: {
    role: 'reader',
    doc: {
      operationId: 'inspectKey',
      summary: 'Type, TTL, memory, encoding, idle time or LFU frequency, slot and owning node of one key',
      params: { key: { description: 'the key (URL-encoded; base64url with keyEncoding=base64 for binary keys or keys with "/")', schema: named('KeyParam', z.string().min(1)) } },
      query: z.object({ keyEncoding: z.enum(['utf8', 'base64']).default('utf8').describe('how {key} is encoded') }),
      responses: {
        '200': { description: 'the key', body: openObject('KeyInfo', 'type, ttl, memory, encoding, idle time or LFU frequency, slot and owning node') },
        '404': 'the cluster is not registered or the key does not exist',
        '503': redisUnavailableDoc,
      },
    },
    async handle({ req, cp }) {
      const { id } = parseInput(clusterParamsSchema, { id: req.params['id'] }, 'params');
      const key = parseKeyParam(req.params['key'], req.query.get('keyEncoding') ?? undefined);
      const cluster = await cp.clusters.get(id);
      return withRedisProblems(async () => jsonResponse(200, await inspectKey(cluster, key)));
    },
  },
};

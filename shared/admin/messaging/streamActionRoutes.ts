import { hasRole } from '../../platform/auth/Principal';
import { globMatch } from '../../platform/keyspace/redisGlob';
import { requireForce } from '../../platform/registry/protectedOverlap';
import type { RouteTable } from '../../platform/http/apiHandler';
import { parseInput } from '../../platform/http/parseInput';
import { readJsonBody } from '../../platform/http/readJsonBody';
import { acceptedJob, jobAcceptedDoc } from '../../platform/jobs/jobRoutes';
import { named } from '../../platform/http/RouteDoc';
import { jobRuntime } from '../../platform/jobs/jobRuntime';
import { JobService } from '../../platform/jobs/JobService';
import { withRedis } from '../../platform/redis/redisConnections';
import { redisUnavailableDoc, withRedisProblems } from '../../platform/redis/redisProblemResponse';
import { clusterParamsSchema } from '../../platform/registry/resourceId';
import { conflict, forbidden, notFound, validationError } from '../../platform/store/DomainError';
import type { JobEstimate } from '../../platform/jobs/JobRecord';
import { streamActionRequestSchema, type StreamActionParams } from './streamActionRequest';

/**
 * `POST /api/clusters/{id}/stream-actions` (operator; a forced trim needs admin): `claim`, `trim` or
 * `remove-consumer` on one stream, as a `stream-action` job (202 + `Location`; `dryRun` too, its job reports what
 * would happen). A trim of a key of a protected namespace needs `force` (409 `namespace_protected`) and the admin
 * role (403), as every bulk change to protected keys does. `keyEncoding: base64` takes canonical base64 only (400
 * `invalid_key`: a lenient decode would act on another key). Checked before any job exists: the key is a stream (404 `stream_not_found`, 409 `not_a_stream`),
 * the group exists (404 `group_not_found`), a consumer to remove holds nothing (409 `consumer_has_pending`).
 */
export const streamActionRoutes: RouteTable = {
  POST: {
    role: 'operator',
    doc: {
      operationId: 'streamAction',
      summary: 'Claim stuck entries to a consumer (XAUTOCLAIM), trim a stream below what its groups still need, or remove a consumer without pending entries, as an audited job; dryRun reports what would happen',
      headers: ['Idempotency-Key'],
      body: { schema: named('StreamActionRequest', streamActionRequestSchema) },
      responses: {
        '202': jobAcceptedDoc,
        '404': 'unknown cluster, stream_not_found, group_not_found, consumer_not_found',
        '409': 'not_a_stream, consumer_has_pending',
        '503': redisUnavailableDoc,
      },
    },
    async handle({ req, body, cp, principal, change }) {
      const { id } = parseInput(clusterParamsSchema, req.params, 'params');
      const request = readJsonBody(req.headers.get('content-type'), body, streamActionRequestSchema);
      if (request.action === 'trim' && request.force && !hasRole(principal.role, 'admin')) throw forbidden('a forced trim can drop entries consumer groups still need: it needs the admin role');
      const key = request.keyEncoding === 'base64' ? decodeBase64Key(request.key) : Buffer.from(request.key, 'utf8');
      if (key.length === 0 || key.length > 1024) throw validationError('invalid_key', 'key must be 1-1024 bytes', [{ field: 'body.key', message: 'must be 1-1024 bytes' }]);
      const cluster = await cp.clusters.get(id);
      if (request.action === 'trim') {
        // Protection is about keys: the stream's own bytes against every protected pattern of the cluster.
        const reached = (await cp.namespaces.list(id)).filter((p) => p.protected && globMatch(p.keyPattern, key)).map((p) => `'${p.namespace}'`);
        requireForce(reached.length ? [`the stream is a key of protected namespace ${reached.join(', ')}`] : [], request.force, principal);
      }
      return withRedisProblems(async () => {
        // What the job's percentage counts against (an upper bound: the job may stop earlier, e.g. at the groups' bound).
        let estimate: JobEstimate | undefined;
        await withRedis(cluster, async (connection) => {
          const client = await connection.client();
          const type = String(await client.call('TYPE', key));
          if (type === 'none') throw notFound('stream_not_found', `no key '${request.key.slice(0, 200)}' on cluster '${id}'`);
          if (type !== 'stream') throw conflict('not_a_stream', `key '${request.key.slice(0, 200)}' is a ${type}, not a stream`);
          if (request.action === 'trim') {
            if (request.maxLen !== undefined) {
              const total = Math.max(0, Number(await client.call('XLEN', key)) - request.maxLen);
              estimate = { counter: request.dryRun ? 'wouldRemove' : 'removed', total, exact: false, basis: 'XLEN − maxLen when the job was created (at most: the trim stops below what consumer groups still need unless forced)' };
            }
            return;
          }
          const groupRows = (await client.call('XINFO', 'GROUPS', key)) as unknown[][];
          const groups = groupRows.map((g) => String(g[g.indexOf('name') + 1]));
          if (!groups.includes(request.group)) throw notFound('group_not_found', `stream has no consumer group '${request.group.slice(0, 200)}'`);
          if (request.action === 'claim') {
            const row = groupRows[groups.indexOf(request.group)] ?? [];
            const pending = Number(row[row.indexOf('pending') + 1] ?? 0);
            estimate = { counter: request.dryRun ? 'wouldClaim' : 'claimed', total: Math.min(pending, request.maxEntries), exact: false, basis: "the group's pending entries when the job was created (at most: entries idle for less than minIdleMs are not claimed)" };
          }
          if (request.action === 'remove-consumer') {
            const consumers = (await client.call('XINFO', 'CONSUMERS', key, request.group)) as unknown[][];
            const target = consumers.find((c) => String(c[c.indexOf('name') + 1]) === request.consumer);
            if (!target) throw notFound('consumer_not_found', `group '${request.group.slice(0, 200)}' has no consumer '${request.consumer.slice(0, 200)}'`);
            const pending = Number(target[target.indexOf('pending') + 1]);
            if (pending > 0) throw conflict('consumer_has_pending', `consumer '${request.consumer.slice(0, 200)}' holds ${pending} pending entries: claim them to another consumer first`);
          }
        }, { timeoutMs: 5000 });
        const { key: _key, keyEncoding: _encoding, ...rest } = request;
        const params = { ...rest, keyBase64: key.toString('base64') } as StreamActionParams;
        const { job } = await new JobService(await jobRuntime(cp)).create({ kind: 'stream-action', clusterId: id, params: { ...params }, ...(estimate ? { estimate } : {}) }, change);
        return acceptedJob(job);
      });
    },
  },
};

/** Canonical base64 (or base64url) only: Node's decoder skips what is not base64, which would name another key. */
function decodeBase64Key(text: string): Buffer {
  const bytes = /^[A-Za-z0-9+/_-]*={0,2}$/.test(text) ? Buffer.from(text, 'base64') : null;
  const canonical = (b: string) => b.replace(/-/g, '+').replace(/_/g, '/').replace(/=+$/, '');
  if (bytes === null || bytes.length === 0 || canonical(bytes.toString('base64')) !== canonical(text)) {
    throw validationError('invalid_key', 'key is not valid base64 (keyEncoding: base64)', [{ field: 'body.key', message: 'is not canonical base64' }]);
  }
  return bytes;
}

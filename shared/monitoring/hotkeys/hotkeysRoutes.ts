import { z } from 'zod';
import { jsonResponse } from '../../platform/http/ApiRequest';
import type { RouteTable } from '../../platform/http/apiHandler';
import { parseInput } from '../../platform/http/parseInput';
import { readJsonBody } from '../../platform/http/readJsonBody';
import { named, openObject } from '../../platform/http/RouteDoc';
import { acceptedJob, jobAcceptedDoc, jobIdSchema } from '../../platform/jobs/jobRoutes';
import { jobRuntime } from '../../platform/jobs/jobRuntime';
import { JobService, newJobId } from '../../platform/jobs/JobService';
import { discoverShards } from '../../platform/keyspace/discoverShards';
import type { ClusterResource } from '../../platform/registry/clusterSpec';
import { clusterParamsSchema, resourceIdSchema } from '../../platform/registry/resourceId';
import { withRedis } from '../../platform/redis/redisConnections';
import { redisUnavailableDoc, withRedisProblems } from '../../platform/redis/redisProblemResponse';
import { conflict, notFound } from '../../platform/store/DomainError';
import { parseInfo } from '../../platform/topology/parseInfo';
import { stateOf } from './hotkeysCursor';
import { hotkeysParamsSchema, hotkeysRequestSchema, type HotkeysParams } from './hotkeysRequest';
import { buildHotkeysReport } from './hotkeysReport';
import { takeRadarLocks } from './radarLock';

/**
 * `POST /api/clusters/{id}/hotkeys` (operator): 202 + `Location` of a `hotkeys` job (bounded: `durationSeconds` ≤
 * 600). 409 `hotkeys_radar_in_progress` when a radar already watches one of the masters, 409
 * `hotkeys_not_available` on Azure Managed Redis without an LFU policy (MONITOR is not used there), 400 with the
 * field for bad input, 404 unknown cluster, 503 when it does not answer.
 */
export const hotkeysRoutes: RouteTable = {
  POST: {
    role: 'operator',
    doc: {
      operationId: 'findHotKeys',
      summary: 'Hot-key radar: duty-cycled MONITOR windows with a byte cap (or OBJECT FREQ under an LFU policy), top-K per node merged cluster-wide, as a bounded job',
      headers: ['Idempotency-Key'],
      body: { schema: named('HotkeysRequest', hotkeysRequestSchema), required: false },
      responses: {
        '202': jobAcceptedDoc,
        '404': 'the cluster is not registered',
        '409': 'a radar already watches one of its masters (hotkeys_radar_in_progress), or nothing cheap is allowed on this cache (hotkeys_not_available)',
        '503': redisUnavailableDoc,
      },
    },
    async handle({ req, body, cp, change }) {
      const { id } = parseInput(clusterParamsSchema, req.params, 'params');
      const request = body.trim() === '' ? hotkeysRequestSchema.parse({}) : readJsonBody(req.headers.get('content-type'), body, hotkeysRequestSchema);
      const cluster = await cp.clusters.get(id);
      const namespaces = (await cp.namespaces.list(id)).map(({ namespace, keyPattern }) => ({ namespace, keyPattern }));
      const monitorAllowed = cluster.mode !== 'azure-managed-redis';
      return withRedisProblems(async () => {
        const masters = await withRedis(
          cluster,
          async (connection) => {
            const shards = await discoverShards(connection);
            const policies = await Promise.all(shards.map(async (s) => parseInfo(String(await (await connection.node(s.address)).info('memory')))['maxmemory_policy'] ?? 'unknown'));
            return shards.map((s, i) => ({ address: s.address, policy: policies[i] ?? 'unknown' }));
          },
          { timeoutMs: 5000 },
        );
        refuseWhereNothingCheap(cluster, request.method, monitorAllowed, masters.map((m) => m.policy));
        const rt = await jobRuntime(cp);
        const jobId = newJobId('hotkeys');
        await takeRadarLocks(cp, rt.store, masters.map((m) => m.address), jobId);
        const params: HotkeysParams = { ...request, namespaces, monitorAllowed };
        // The bar counts windows against what the duty cycle allows in the duration (a window the guard cuts short counts too).
        const period = params.windowMs / params.dutyCycle;
        const perNode = masters.map((m) => (params.method === 'lfu' || (params.method === 'auto' && m.policy.endsWith('-lfu')) ? 1 : Math.max(1, Math.ceil((params.durationSeconds * 1000) / period))));
        const estimate = { counter: 'windows', total: perNode.reduce((a, b) => a + b, 0), exact: false, basis: 'MONITOR windows the duty cycle allows in the duration, over every master (the LFU path runs one cross-check window)' };
        const { job } = await new JobService(rt).create({ id: jobId, kind: 'hotkeys', clusterId: id, params: { ...params }, estimate }, change);
        return acceptedJob(job);
      });
    },
  },
};

/** Azure Managed Redis: MONITOR is not used (see docs/monitoring.md); without LFU on every master nothing cheap is left. */
function refuseWhereNothingCheap(cluster: ClusterResource, method: HotkeysParams['method'], monitorAllowed: boolean, policies: readonly string[]): void {
  if (monitorAllowed) return;
  const allLfu = policies.every((p) => p.endsWith('-lfu'));
  if (method === 'monitor' || !allLfu) {
    throw conflict(
      'hotkeys_not_available',
      `cluster '${cluster.id}' is Azure Managed Redis: the radar does not run MONITOR there (its proxy layer is not a shard and the result could not be verified here), and the cheap path needs an LFU policy (now: ${[...new Set(policies)].join(', ')}). ` +
        'Set maxmemory-policy to allkeys-lfu or volatile-lfu (PUT /api/clusters/{id}/eviction-policy, through ARM there) and ask again with method "auto" or "lfu".',
    );
  }
}

const reportParams = z.object({ id: resourceIdSchema, jobId: jobIdSchema });

/**
 * `GET /api/clusters/{id}/hotkeys/{jobId}` (reader): the radar's report — per node, the top keys with bounds, hot
 * slots and findings — while it runs (what the windows so far found) and after.
 */
export const hotkeysReportRoutes: RouteTable = {
  GET: {
    role: 'reader',
    doc: {
      operationId: 'getHotKeys',
      summary: 'Report of a hot-key radar job: top keys (node, slot, namespace, share and ops/s with bounds, read/write mix), per-node figures, hot slots, hot_key/hot_node findings',
      params: { jobId: { description: 'the hotkeys job id', schema: named('JobId', jobIdSchema) } },
      responses: {
        '200': { description: 'the report', body: openObject('HotkeysReport', 'jobId, status, nodes, keys, hotSlots, findings, bounds') },
        '404': 'no such cluster or radar job',
      },
    },
    async handle({ req, cp }) {
      const { id, jobId } = parseInput(reportParams, req.params, 'params');
      await cp.clusters.get(id);
      const loaded = await (await jobRuntime(cp)).store.load(jobId);
      if (!loaded || loaded.job.kind !== 'hotkeys' || loaded.job.clusterId !== id) throw notFound('hotkeys_not_found', `no hot-key radar '${jobId}' on cluster '${id}'`);
      const params = hotkeysParamsSchema.parse(loaded.job.params);
      const report = buildHotkeysReport(id, params, loaded.cursors.map(stateOf));
      return jsonResponse(200, { jobId, status: loaded.job.status, ...report });
    },
  },
};

import type { Principal } from '../../platform/auth/Principal';
import type { ControlPlane } from '../../platform/controlPlane';
import type { ApiResponse } from '../../platform/http/ApiRequest';
import type { ChangeContext } from '../../platform/registry/ClusterStreams';
import { jsonResponse } from '../../platform/http/ApiRequest';
import type { RouteTable } from '../../platform/http/apiHandler';
import { parseInput } from '../../platform/http/parseInput';
import { readJsonBody } from '../../platform/http/readJsonBody';
import { jobRuntime } from '../../platform/jobs/jobRuntime';
import { JobService, newJobId } from '../../platform/jobs/JobService';
import { withRedis } from '../../platform/redis/redisConnections';
import { redisUnavailableDoc, withRedisProblems } from '../../platform/redis/redisProblemResponse';
import { named, openObject } from '../../platform/http/RouteDoc';
import { jobAcceptedDoc } from '../../platform/jobs/jobRoutes';
import type { ClusterResource } from '../../platform/registry/clusterSpec';
import { clusterParamsSchema } from '../../platform/registry/resourceId';
import { conflict, forbidden } from '../../platform/store/DomainError';
import { toRanges } from '../../platform/topology/slotRanges';
import { readClusterLayout } from './clusterLayout';
import { buildPlan, planView, reshardPairs, type SlotPlan } from './planReshard';
import type { ForgetParams } from './forgetNode';
import type { SlotJobParams } from './slotJob';
import { takeSlotLock } from './slotLock';
import { reshardRequestSchema } from './slotRequest';

/**
 * `POST /api/clusters/{id}/slots/reshard` (operator; admin + `force` for plans with a data-loss risk): 200 with the
 * plan for `dryRun`, else 202 + `Location` of a `slots` job running it. 409 `azure_cluster_writes_blocked` on Azure
 * caches, 409 `cluster_not_ready` (a master down), 409 `cluster_views_disagree` / `slots_open` / `slots_uncovered` (every
 * master's and replica's view read first, like rebalance and redis-cli), 409 `slot_operation_in_progress`, 409
 * `plan_has_data_loss_risk` without force, 400 with the field for bad input, 503 when the cluster does not answer.
 */
export const reshardRoutes: RouteTable = {
  POST: {
    role: 'operator',
    doc: {
      operationId: 'reshardCluster',
      summary: 'Move slots to a master: a dry-run plan (keys, bytes, big keys, risks, duration) or a resumable, lossless slot-moving job',
      headers: ['Idempotency-Key'],
      body: { schema: named('ReshardRequest', reshardRequestSchema) },
      responses: {
        '200': { description: 'dry run: the plan', body: openObject('SlotPlan', 'operation, pairs (from, to, slots, keys, estimatedBytes), slotCount, keys, estimatedBytes, bigKeys, risks, expectedDurationSeconds, tuning') },
        '202': jobAcceptedDoc,
        '403': 'force needs the admin role',
        '404': 'the cluster is not registered',
        '409': 'Azure cache (azure_cluster_writes_blocked), a master down (cluster_not_ready), views that disagree (cluster_views_disagree), open slots (slots_open), uncovered slots (slots_uncovered), another slot operation running (slot_operation_in_progress), a data-loss risk without force (plan_has_data_loss_risk), nothing to move (nothing_to_move)',
        '503': redisUnavailableDoc,
      },
    },
    async handle({ req, body, cp, principal, change }) {
      const { id } = parseInput(clusterParamsSchema, req.params, 'params');
      const request = readJsonBody(req.headers.get('content-type'), body, reshardRequestSchema);
      const cluster = await cp.clusters.get(id);
      refuseAzure(cluster);
      const { dryRun, force, to: _to, from: _from, slots: _slots, ranges: _ranges, ...tuning } = request;
      return withRedisProblems(async () => {
        const plan = await withRedis(cluster, async (connection) => {
          const layout = await readClusterLayout(connection);
          const { target, moves } = reshardPairs(layout, request);
          return buildPlan(connection, 'reshard', [...moves].map(([from, slots]) => ({ from, to: target, slots })), tuning);
        });
        if (dryRun) return jsonResponse(200, planView(plan));
        if (plan.slotCount === 0) throw conflict('nothing_to_move', 'the plan moves no slot: the target already owns them');
        acceptRisks(plan, force, principal);
        return startSlotJob(cp, id, plan, change);
      });
    },
  },
};

/**
 * Takes the cluster's slot lock, creates the `slots` job from the frozen plan and records SlotMigrationStarted; the 202
 * carries `view` (the plan as the dry run showed it). `forget` (remove-node) makes the job end with CLUSTER FORGET of
 * that node everywhere (`forgetNode.ts`).
 */
export async function startSlotJob(cp: ControlPlane, id: string, plan: SlotPlan, change: ChangeContext, view: Record<string, unknown> = planView(plan), forget?: ForgetParams): Promise<ApiResponse> {
        const rt = await jobRuntime(cp);
        const jobId = newJobId('slots');
        const lock = await takeSlotLock(cp, rt.store, id, jobId);
        const params: SlotJobParams = { operation: plan.operation, tuning: plan.tuning, pairs: plan.pairs.map((p) => ({ from: p.from, to: p.to, slots: toRanges(p.slots) })), ...(forget ? { forget } : {}) };
        const { job } = await lock.createJob(() =>
          new JobService(rt).create(
            // Progress counts slots moved against the plan's slot count (exact: the plan fixes which slots move).
            { id: jobId, kind: 'slots', clusterId: id, params: { ...params }, estimate: { counter: 'slotsMoved', total: plan.slotCount, exact: true, basis: 'slots in the plan' } },
            change,
          ),
        );
        await cp.streams.record(id, change, [
          {
            type: 'RedisClusterManager.Cluster.SlotMigrationStarted',
            data: { clusterId: id, jobId, operation: plan.operation, pairs: (planView(plan)['pairs'] as { from: { id: string }; to: { id: string }; slots: string; slotCount: number }[]).map((p) => ({ from: p.from.id, to: p.to.id, slots: p.slots, slotCount: p.slotCount })), plannedKeys: plan.keys, plannedBytes: plan.estimatedBytes },
          },
        ]);
        return jsonResponse(202, { jobId: job.id, kind: job.kind, status: job.status, href: `/api/jobs/${job.id}`, plan: view }, { location: `/api/jobs/${job.id}` });
}

/** Azure caches block CLUSTER SETSLOT / MIGRATE / FORGET: say so and name the ARM operation that does it there. */
export function refuseAzure(cluster: ClusterResource): void {
  if (cluster.mode === 'azure-cache-for-redis' || cluster.mode === 'azure-managed-redis') {
    throw conflict(
      'azure_cluster_writes_blocked',
      `cluster '${cluster.id}' is an Azure cache (${cluster.mode}): Azure blocks the cluster-write commands slot operations need (CLUSTER SETSLOT, ADDSLOTS, MIGRATE, FORGET, FAILOVER). ` +
        'Scale it through Azure Resource Manager instead: change the shard count (Microsoft.Cache/redis shardCount, or the Azure Managed Redis SKU/capacity) with `az redis update --shard-count N` / `az redisenterprise update`, which reshards for you.',
    );
  }
}

/** Data-loss risks need admin + force (403 force without admin, 409 without force). */
export function acceptRisks(plan: Pick<SlotPlan, 'risks'>, force: boolean, principal: Principal): void {
  const dangerous = plan.risks.filter((r) => r.dataLoss);
  if (dangerous.length === 0) return;
  const why = dangerous.map((r) => r.message).join('; ');
  if (!force) throw conflict('plan_has_data_loss_risk', `${why}: review the plan (dryRun) and send "force": true as admin to proceed`);
  if (principal.role !== 'admin') throw forbidden(`${why}: force needs the admin role`);
}

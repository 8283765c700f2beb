import { jsonResponse } from '../../platform/http/ApiRequest';
import type { RouteTable } from '../../platform/http/apiHandler';
import { parseInput } from '../../platform/http/parseInput';
import { readJsonBody } from '../../platform/http/readJsonBody';
import { named, openObject } from '../../platform/http/RouteDoc';
import { jobAcceptedDoc } from '../../platform/jobs/jobRoutes';
import { metricsHistoryTable, readMasterOps } from '../../platform/metrics/metricsHistoryTable';
import { withRedis } from '../../platform/redis/redisConnections';
import { redisUnavailableDoc, withRedisProblems } from '../../platform/redis/redisProblemResponse';
import { clusterParamsSchema } from '../../platform/registry/resourceId';
import { conflict } from '../../platform/store/DomainError';
import { readClusterLayout } from './clusterLayout';
import { planView } from './planReshard';
import { planRebalance } from './planRebalance';
import { rebalanceRequestSchema } from './rebalanceRequest';
import { acceptRisks, refuseAzure, startSlotJob } from './slotRoutes';

/**
 * `POST /api/clusters/{id}/slots/rebalance` (operator; admin + `force` for plans with a data-loss risk): 200 with the
 * plan (moves, the balance of every master before and after, spread) for `dryRun`, else 202 + `Location` of a
 * `slots` job (operation `rebalance`) running it, under the same lock, cancel and events as a reshard. 409
 * `azure_cluster_writes_blocked`, `cluster_not_ready`, `cluster_views_disagree`, `slots_open`, `slots_uncovered`,
 * `slot_operation_in_progress`, `plan_has_data_loss_risk`,
 * `nothing_to_move` (balanced within the threshold), `no_ops_history` (weightBy 'ops' without the monitor's history);
 * 400 with the field for bad input; 503 when the cluster does not answer.
 */
export const rebalanceRoutes: RouteTable = {
  POST: {
    role: 'operator',
    doc: {
      operationId: 'rebalanceCluster',
      summary: "Balance the masters by slots, keys, memory or ops/s (weights, threshold): a dry-run plan with the spread before and after, or a resumable, lossless slot-moving job",
      headers: ['Idempotency-Key'],
      body: { schema: named('RebalanceRequest', rebalanceRequestSchema), required: false },
      responses: {
        '200': { description: 'dry run: the plan', body: openObject('RebalancePlan', 'the slot plan (operation rebalance, pairs, keys, estimatedBytes, bigKeys, risks, expectedDurationSeconds, tuning) plus rebalance (weightBy, thresholdPercent, unit, basis, total, spreadBefore, spreadAfter, withinThreshold, masters: id, address, weight, target, before, after, offByPercentBefore/After, slotsBefore/After)') },
        '202': jobAcceptedDoc,
        '403': 'force needs the admin role',
        '404': 'the cluster is not registered',
        '409': 'Azure cache (azure_cluster_writes_blocked), a master down (cluster_not_ready), views that disagree (cluster_views_disagree), open slots (slots_open), uncovered slots (slots_uncovered), another slot operation running (slot_operation_in_progress), a data-loss risk without force (plan_has_data_loss_risk), balanced within the threshold (nothing_to_move), weightBy ops without the monitor history (no_ops_history)',
        '503': redisUnavailableDoc,
      },
    },
    async handle({ req, body, cp, principal, change }) {
      const { id } = parseInput(clusterParamsSchema, req.params, 'params');
      const request = body.trim() === '' ? rebalanceRequestSchema.parse({}) : readJsonBody(req.headers.get('content-type'), body, rebalanceRequestSchema);
      const cluster = await cp.clusters.get(id);
      refuseAzure(cluster);
      const { dryRun, force, weightBy: _w, weights: _ws, threshold: _t, opsWindowMinutes, ...tuning } = request;
      const opsHistory = async () => {
        const to = Date.now();
        return { ...(await readMasterOps(metricsHistoryTable(cp.settings.tablePrefix), id, to - opsWindowMinutes * 60_000, to)), windowMinutes: opsWindowMinutes };
      };
      return withRedisProblems(async () => {
        const { plan, rebalance } = await withRedis(cluster, async (connection) => planRebalance(connection, await readClusterLayout(connection), request, tuning, opsHistory));
        const view = { ...planView(plan), rebalance };
        if (dryRun) return jsonResponse(200, view);
        if (plan.slotCount === 0) {
          throw conflict('nothing_to_move', `the masters are balanced by ${rebalance.weightBy} within the ${rebalance.thresholdPercent} % threshold (spread max/mean ${rebalance.spreadBefore ?? 'n/a'}): no slot needs to move`);
        }
        acceptRisks(plan, force, principal);
        return startSlotJob(cp, id, plan, change, view);
      });
    },
  },
};

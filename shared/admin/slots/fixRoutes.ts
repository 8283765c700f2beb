import type { ControlPlane } from '../../platform/controlPlane';
import type { ApiResponse } from '../../platform/http/ApiRequest';
import { jsonResponse } from '../../platform/http/ApiRequest';
import type { RouteTable } from '../../platform/http/apiHandler';
import { parseInput } from '../../platform/http/parseInput';
import { readJsonBody } from '../../platform/http/readJsonBody';
import { named, openObject } from '../../platform/http/RouteDoc';
import { jobAcceptedDoc } from '../../platform/jobs/jobRoutes';
import { jobRuntime } from '../../platform/jobs/jobRuntime';
import { JobService, newJobId } from '../../platform/jobs/JobService';
import { withRedis } from '../../platform/redis/redisConnections';
import { redisUnavailableDoc, withRedisProblems } from '../../platform/redis/redisProblemResponse';
import type { ChangeContext } from '../../platform/registry/ClusterStreams';
import { clusterParamsSchema } from '../../platform/registry/resourceId';
import { conflict, DomainError, forbidden } from '../../platform/store/DomainError';
import { countSlots, formatRanges } from '../../platform/topology/slotRanges';
import { planRepairs, type Refusal, type RepairStep } from './planRepairs';
import { countKeysAtRisk, readFixState } from './readFixState';
import type { SlotJobParams } from './slotJob';
import { takeSlotLock } from './slotLock';
import { fixRequestSchema, type MoveTuning } from './slotRequest';
import { refuseAzure } from './slotRoutes';

/**
 * `POST /api/clusters/{id}/slots/fix` (operator; `force` needs admin): repairs every slot problem health reports —
 * open slots in any combination, uncovered slots, several owners, keys outside their owner, views that disagree —
 * as the repair steps of a `slots` job; 200 with the plan (each problem with its repair or the reason it is refused)
 * for `dryRun`; 409 `cannot_fix` naming every refused problem with the reason and the manual steps (nothing changes).
 * A down master's slots are refused unless an admin sends `force`.
 */
export const fixRoutes: RouteTable = {
  POST: {
    role: 'operator',
    doc: {
      operationId: 'fixClusterSlots',
      summary: 'Repair every slot problem health reports (open, uncovered, several owners, keys outside their owner, views disagreeing) without losing a key, or refuse naming why and the manual steps',
      headers: ['Idempotency-Key'],
      body: { schema: named('FixRequest', fixRequestSchema), required: false },
      responses: {
        '200': { description: 'dry run: every problem with its repair or why it is refused', body: openObject('FixPlan', 'operation, problems (problem, slots, slotCount, action move/settle/refused, owner, from, detail or reason + manualSteps, keys, keysToMove, keysAtRisk), slotCount, keys, keysToMove, unfixable (slot, slots, problem, reason, manualSteps), expectedDurationSeconds, tuning') },
        '202': jobAcceptedDoc,
        '403': 'force needs the admin role',
        '404': 'the cluster is not registered',
        '409': 'Azure cache (azure_cluster_writes_blocked), problems fix refuses, e.g. a down owner without force (cannot_fix), nothing to repair (nothing_to_fix), another slot operation running (slot_operation_in_progress), a plan too large for one job (fix_plan_too_large)',
        '503': redisUnavailableDoc,
      },
    },
    async handle({ req, body, cp, principal, change }) {
      const { id } = parseInput(clusterParamsSchema, req.params, 'params');
      const request = body.trim() === '' ? fixRequestSchema.parse({}) : readJsonBody(req.headers.get('content-type'), body, fixRequestSchema);
      const cluster = await cp.clusters.get(id);
      refuseAzure(cluster);
      const { dryRun, force, ...tuning } = request;
      if (force && principal.role !== 'admin') throw forbidden('force (reassigning the slots of a master that is down) needs the admin role');
      return withRedisProblems(async () => {
        const { steps, refused } = await withRedis(cluster, async (connection) => {
          const state = await readFixState(connection);
          return planRepairs(state, { force, keysAtRisk: force ? await countKeysAtRisk(connection, state.down) : new Map() });
        });
        const plan = fixPlanView(steps, refused, tuning);
        if (dryRun) return jsonResponse(200, plan);
        if (refused.length > 0) throw cannotFix(refused);
        if (steps.length === 0) throw conflict('nothing_to_fix', 'no slot has a problem fix repairs: nothing to fix');
        return startFixJob(cp, id, steps, tuning, plan, change);
      });
    },
  },
};

/** Characters of repair steps one job row can hold with room to spare (its properties are chunked, ~1 MiB in all). */
const MAX_PLAN_CHARS = 300_000;

/** The dry run: every problem with its repair or its refusal. */
export function fixPlanView(steps: RepairStep[], refused: Refusal[], tuning: MoveTuning): Record<string, unknown> {
  const slotCount = steps.reduce((n, s) => n + countSlots(s.slots), 0);
  const keys = steps.reduce((n, s) => n + s.keys, 0);
  const keysToMove = steps.reduce((n, s) => n + s.keysToMove, 0);
  const problems = [
    ...refused.map((r) => ({ problem: r.problem, slots: r.slots, slotCount: countSlots(parseRanges(r.slots)), action: 'refused', reason: r.reason, manualSteps: r.manualSteps })),
    ...steps.map((s) => ({
      problem: s.problem,
      slots: formatRanges(s.slots),
      slotCount: countSlots(s.slots),
      action: s.kind,
      owner: s.owner,
      ...(s.from ? { from: s.from } : {}),
      detail: s.detail,
      keys: s.keys,
      keysToMove: s.keysToMove,
      ...(s.forced ? { forced: true, downMaster: s.forced.downMaster, keysAtRisk: s.forced.keysAtRisk } : {}),
    })),
  ];
  // ~4 round trips per master and slot for a settle, 3 for a move, plus the keys moved at ~20k keys/s.
  const expectedDurationSeconds = Math.ceil((slotCount * 0.004 + keysToMove / 20_000) * 10) / 10;
  return { operation: 'fix', problems, steps: steps.length, slotCount, keys, keysToMove, unfixable: refused, expectedDurationSeconds, tuning };
}

/** 409 `cannot_fix`: every problem fix refuses, each with its reason and manual steps. */
function cannotFix(refused: Refusal[]): DomainError {
  return new DomainError('conflict', 'cannot_fix', `fix refuses ${refused.length} problem(s), changing nothing: ${refused.map((u) => `slot ${u.slots} (${u.problem}): ${u.reason}. ${u.manualSteps}`).join(' | ')}`);
}

async function startFixJob(cp: ControlPlane, id: string, steps: RepairStep[], tuning: MoveTuning, plan: Record<string, unknown>, change: ChangeContext): Promise<ApiResponse> {
  const rt = await jobRuntime(cp);
  const jobId = newJobId('slots');
  // The job row holds the frozen plan (Table Storage: ~1 MiB per entity); details are cut to keep it small. Checked
  // before the lock: a refused plan leaves nothing held.
  const repairs = steps.map((s) => ({ ...s, detail: s.detail.slice(0, 160) }));
  if (JSON.stringify(repairs).length > MAX_PLAN_CHARS) {
    throw conflict('fix_plan_too_large', `the fix plan has ${steps.length} repair steps, more than one job can hold: repair the largest problems by hand first (dryRun lists them), then run fix again`);
  }
  const lock = await takeSlotLock(cp, rt.store, id, jobId);
  const params: SlotJobParams = { operation: 'fix', tuning, pairs: [], repairs };
  const slotCount = Number(plan['slotCount']);
  const { job } = await lock.createJob(() =>
    new JobService(rt).create(
      // Progress counts slots repaired against the plan's slot count (exact: the plan fixes which slots are repaired).
      { id: jobId, kind: 'slots', clusterId: id, params: { ...params }, estimate: { counter: 'slotsRepaired', total: slotCount, exact: true, basis: 'slots in the fix plan' } },
      change,
    ),
  );
  await cp.streams.record(id, change, [
    {
      type: 'RedisClusterManager.Cluster.SlotMigrationStarted',
      data: {
        clusterId: id,
        jobId,
        operation: 'fix',
        // Every step as a pair: from (the forward move's source, or the owner settling it) → owner.
        pairs: steps.slice(0, 1000).map((s) => ({ from: s.from?.id ?? s.owner.id, to: s.owner.id, slots: formatRanges(s.slots).slice(0, 20_000), slotCount: countSlots(s.slots) })),
        plannedKeys: Number(plan['keysToMove']),
        plannedBytes: 0,
      },
    },
  ]);
  return jsonResponse(202, { jobId: job.id, kind: job.kind, status: job.status, href: `/api/jobs/${job.id}`, plan }, { location: `/api/jobs/${job.id}` });
}

function parseRanges(text: string): [number, number][] {
  return text.split(',').filter((t) => t !== '').map((t) => {
    const [a, b] = t.split('-').map(Number);
    return [a ?? 0, b ?? a ?? 0];
  });
}

import { setTimeout as sleep } from 'node:timers/promises';
import type { DomainEvent } from '../../platform/events/catalogue';
import type { ChunkOutcome, JobChunkContext, JobKind } from '../../platform/jobs/JobKind';
import type { CursorRecord, JobRecord } from '../../platform/jobs/JobRecord';
import { withRedis } from '../../platform/redis/redisConnections';
import type { RedisConnection } from '../../platform/redis/RedisConnectionManager';
import { addNodeSteps, type AddNodeParams } from './addNodeSteps';
import { failoverSteps, type FailoverParams } from './failoverSteps';
import { StepFailed, type NodeStep } from './nodeStep';

/** What a `nodes` job runs, frozen when the job was created. */
export type NodeJobParams = AddNodeParams | FailoverParams;

interface StepState {
  step: number;
  /** Time spent waiting in the current step so far (durable, so a resume does not wait the whole bound again). */
  waitedMs: number;
  attempts: number;
  result: Record<string, unknown>;
}

const POLL_MS = 250;
/** How often the waited time is made durable while a step waits. */
const CHECKPOINT_EVERY_MS = 2000;

/**
 * Job kind `nodes`: add-node and failover as sagas of durable steps (`addNodeSteps.ts`, `failoverSteps.ts`). The step
 * index is checkpointed after each step; a step is a repeated idempotent attempt (issue the command if it has not
 * taken effect, then look), so a kill -9 anywhere resumes at the step that was running and simply attempts it again.
 * Each step waits at most its bound (summed over chunks), then the job fails naming what did not happen.
 */
export const nodeJob: JobKind = {
  name: 'nodes',
  async runChunk(ctx) {
    const params = ctx.job.params as unknown as NodeJobParams;
    const steps = (params.operation === 'add-node' ? addNodeSteps : failoverSteps) as NodeStep<NodeJobParams>[];
    const cursor: CursorRecord = ctx.cursors[0] ? { ...ctx.cursors[0], state: { ...ctx.cursors[0].state }, counts: { ...ctx.cursors[0].counts } } : { id: 'steps', state: { step: 0, waitedMs: 0, attempts: 0, result: {} } satisfies StepState, counts: { steps: 0 }, done: false };
    if (ctx.cursors.length === 0) await ctx.checkpoint([cursor]);
    const timeoutMs = Math.max(1000, ctx.deadline - Date.now()) + 30_000;
    return withRedis(ctx.cluster, (connection) => runSteps(ctx, connection, params, steps, cursor), { timeoutMs });
  },
  completionEvents(job: JobRecord, cursors: readonly CursorRecord[]): DomainEvent[] {
    const params = job.params as unknown as NodeJobParams;
    const result = ((cursors[0]?.state as unknown as StepState | undefined)?.result ?? {}) as Record<string, unknown>;
    const durationMs = Math.max(0, Date.now() - Date.parse(job.startedAt ?? job.createdAt));
    const completedAt = new Date().toISOString();
    if (params.operation === 'add-node') {
      return [{ type: 'RedisClusterManager.Cluster.NodeAdded', data: { clusterId: job.clusterId, jobId: job.id, nodeId: params.node.id, address: params.node.key, role: params.masterId ? 'replica' : 'master', ...(params.masterId ? { masterId: params.masterId } : {}), knownBy: Number(result['knownBy'] ?? 0), durationMs, completedAt } }];
    }
    return [{ type: 'RedisClusterManager.Cluster.FailedOver', data: { clusterId: job.clusterId, jobId: job.id, promotedId: params.replica.id, formerMasterId: params.masterId, mode: params.mode, slots: Number(result['slots'] ?? 0), durationMs, completedAt } }];
  },
};

async function runSteps(ctx: JobChunkContext, connection: RedisConnection, params: NodeJobParams, steps: NodeStep<NodeJobParams>[], cursor: CursorRecord): Promise<ChunkOutcome> {
  const state = cursor.state as unknown as StepState;
  const save = (): Promise<void> => ctx.checkpoint([{ ...cursor, state: { ...state, result: { ...state.result } }, counts: { steps: state.step } }]);
  let lastSave = Date.now();
  while (state.step < steps.length) {
    const step = steps[state.step] as NodeStep<NodeJobParams>;
    const began = Date.now();
    const outcome = await step.attempt({ connection, params, attempt: state.attempts, result: state.result }).catch((error: unknown) => {
      if (error instanceof StepFailed) return error;
      throw error;
    });
    if (outcome instanceof StepFailed) return { status: 'failed', code: outcome.code, reason: `${step.name}: ${outcome.message}`, result: { ...state.result, failedStep: step.name } };
    if (outcome === true) {
      ctx.log(`step ${step.name} done`);
      state.step += 1;
      state.waitedMs = 0;
      state.attempts = 0;
      await save();
      lastSave = Date.now();
      continue;
    }
    state.attempts += 1;
    state.waitedMs += Date.now() - began + POLL_MS;
    if (state.waitedMs > step.boundMs(params)) {
      return { status: 'failed', code: step.timeoutCode, reason: `${step.name}: not done after ${Math.round(state.waitedMs / 1000)} s: ${outcome}`, result: { ...state.result, failedStep: step.name } };
    }
    if (ctx.shouldStop()) {
      await save();
      return { done: false };
    }
    if (Date.now() - lastSave >= CHECKPOINT_EVERY_MS) {
      await save();
      lastSave = Date.now();
    }
    await sleep(POLL_MS);
  }
  cursor.done = true;
  await ctx.checkpoint([{ ...cursor, state: { ...state }, counts: { steps: state.step } }]);
  return { done: true, result: { ...state.result } };
}

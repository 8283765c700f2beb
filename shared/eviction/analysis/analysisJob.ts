import type { Redis } from 'ioredis';
import type { DomainEvent } from '../../platform/events/catalogue';
import { isEvictionPolicy } from '../policy/evictionPolicies';
import type { JobChunkContext, JobKind } from '../../platform/jobs/JobKind';
import { discoverShards, ownerOf } from '../../platform/keyspace/discoverShards';
import type { CursorRecord } from '../../platform/jobs/JobRecord';
import { withRedis } from '../../platform/redis/redisConnections';
import type { RedisConnection } from '../../platform/redis/RedisConnectionManager';
import { nodeKey } from '../../platform/redis/RedisTarget';
import { stateOf, type AnalysisCursorState } from './analysisCursor';
import { boundAggregate, emptyAggregate, mergeAggregates, type AnalysisAggregate } from './AnalysisAggregate';
import { analysisParamsSchema, type AnalysisParams } from './analysisRequest';
import { buildAnalysis, compactAnalysis } from './buildAnalysis';
import { listNodes } from '../../platform/topology/listNodes';
import { mapLimited } from './analyzeNodes';
import { NamespaceMatcher } from './NamespaceMatcher';
import { nodeAccessTracking } from './probeKeys';
import { sampleNode } from './sampleNode';
import { scanNodeChunk } from './scanNodeChunk';


/** Exact mode checkpoints at least this often per node, so a crash redoes little. */
const sliceMs = 3000;
/** Masters analysed at once in one chunk, each paced by its own throttle. */
const maxParallelNodes = 6;
/** A cursor row's aggregate stays under this many JSON characters (a row holds ~450 000 with the rest). */
const maxStateChars = 300_000;

/**
 * Job kind `analysis`: masters in parallel (at most 6 at once). Sampled: one slice per node (RANDOMKEY draws split by DBSIZE).
 * Exact: `scanNodeChunk` slices from the node's cursor, each merged into the node's aggregate and checkpointed with
 * its cursor, continued over as many chunks as the keyspace needs. When every node is done, the result (totals,
 * largest namespaces, recommendation) is stored on the job; the full report is computed from the cursor rows.
 */
export const analysisJob: JobKind = {
  name: 'analysis',
  async runChunk(ctx) {
    const params = analysisParamsSchema.parse(ctx.job.params);
    const timeoutMs = Math.max(1000, ctx.deadline - Date.now()) + 15_000;
    return withRedis(
      ctx.cluster,
      async (connection) => {
        const cursors = ctx.cursors.length > 0 ? ctx.cursors.map((c) => structuredClone(c)) : await plan(connection, params);
        if (ctx.cursors.length === 0) await ctx.checkpoint(cursors);
        else await reconcile(connection, cursors, params, ctx);
        const matcher = new NamespaceMatcher({ patterns: params.namespaces.map((n) => ({ name: n.namespace, keyPattern: n.keyPattern })), delimiter: params.delimiter, maxPrefixes: 100 });
        const open = cursors.filter((c) => !c.done);
        await mapLimited(open.length, maxParallelNodes, async (i) => {
          const c = open[i] as CursorRecord;
          await runNode(c, await connection.node(stateOf(c).address), params, matcher, ctx);
        });
        if (!cursors.every((c) => c.done)) return { done: false };
        const { nodes } = await listNodes(connection);
        const analysis = buildAnalysis(ctx.cluster, params, cursors.map(stateOf), nodes, ctx.job.startedAt ?? ctx.job.createdAt);
        return { done: true, result: compactAnalysis(analysis, ctx.job.id) };
      },
      { timeoutMs },
    );
  },
  /** The recommendation of a finished analysis is published like the subscriber's (`Eviction.PolicyRecommended`). */
  completionEvents(job): DomainEvent[] {
    const result = job.result as ReturnType<typeof compactAnalysis> | undefined;
    const r = result?.recommendation;
    if (!result || !r || r.reasons.length === 0) return [];
    return [
      {
        type: 'RedisClusterManager.Eviction.PolicyRecommended',
        data: {
          clusterId: job.clusterId,
          current: isEvictionPolicy(r.current) ? r.current : null,
          recommended: r.recommended,
          reasons: r.reasons.slice(0, 20).map((m) => m.slice(0, 1024)),
          warnings: r.warnings.slice(0, 20).map((m) => m.slice(0, 1024)),
          ...(r.maxmemoryReserved ? { maxmemoryReservedMb: r.maxmemoryReserved.recommendedMb } : {}),
          analysis: { mode: result.mode, keysProbed: result.keysProbed, durationMs: Math.max(0, Math.round(Date.parse(job.finishedAt ?? new Date().toISOString()) - Date.parse(job.startedAt ?? job.createdAt))) },
        },
      },
    ];
  },
};

/** One cursor per master (shard); sampled mode splits the draws by DBSIZE (at least 100 per non-empty master). */
async function plan(connection: RedisConnection, params: AnalysisParams): Promise<CursorRecord[]> {
  const shards = await discoverShards(connection);
  const sizes = await Promise.all(shards.map(async (s) => Number(await (await connection.node(s.address)).dbsize())));
  const population = sizes.reduce((sum, n) => sum + n, 0);
  return shards.map((s, i) => {
    const dbsize = sizes[i] ?? 0;
    const samples = population === 0 || dbsize === 0 ? 0 : Math.max(100, Math.round((params.samples * dbsize) / population));
    const state: AnalysisCursorState = { address: s.address, name: nodeKey(s.address), slot: s.slot, nodeId: s.nodeId, restarts: 0, cursor: '0', dbsize, samples, aggregate: emptyAggregate(params.mode) };
    return { id: s.shard, state: state as unknown as Record<string, unknown>, counts: { keysProbed: 0, dbsize }, done: false };
  });
}

/**
 * Later chunks: a shard whose slot is now owned by another master (failover) starts over there, from cursor 0 with
 * an empty aggregate — a SCAN cursor means nothing on another node, and keeping half a count would count twice.
 */
async function reconcile(connection: RedisConnection, cursors: CursorRecord[], params: AnalysisParams, ctx: JobChunkContext): Promise<void> {
  const open = cursors.filter((c) => !c.done && stateOf(c).slot !== null);
  if (open.length === 0 || (await connection.topologyMode()) !== 'cluster') return;
  const shards = await discoverShards(connection, open.map((c) => stateOf(c).address));
  for (const cursor of open) {
    const state = stateOf(cursor);
    const owner = ownerOf(shards, state.slot ?? -1);
    if (!owner || owner.nodeId === state.nodeId) continue;
    ctx.log(`analysis shard ${cursor.id}: master changed ${state.name} -> ${nodeKey(owner.address)}; starts over`);
    Object.assign(state, { address: owner.address, name: nodeKey(owner.address), nodeId: owner.nodeId, restarts: state.restarts + 1, cursor: '0', aggregate: emptyAggregate(params.mode) });
    cursor.counts = { keysProbed: 0, dbsize: state.dbsize, restarts: state.restarts };
  }
}

async function runNode(cursor: CursorRecord, redis: Redis, params: AnalysisParams, matcher: NamespaceMatcher, ctx: JobChunkContext): Promise<void> {
  const state = stateOf(cursor);
  const { access } = await nodeAccessTracking(redis);
  const common = { node: state.name, matcher, access, maxKeysPerSecond: params.maxKeysPerSecond, memorySamples: params.memorySamples, topKeys: params.topKeys };
  const bound = (aggregate: AnalysisAggregate): AnalysisAggregate => boundAggregate(aggregate, maxStateChars, (name) => !matcher.isConfigured(name));
  if (params.mode === 'sampled') {
    const sample = await sampleNode(redis, { ...common, samples: state.samples });
    Object.assign(state, { dbsize: sample.dbsize, aggregate: bound(sample.aggregate) });
    cursor.counts = { keysProbed: sample.aggregate.keysProbed, dbsize: sample.dbsize, restarts: state.restarts };
    cursor.done = true;
    await ctx.checkpoint([cursor]);
    return;
  }
  matcher.remember(Object.keys(state.aggregate.namespaces));
  while (!cursor.done && !ctx.shouldStop()) {
    const budgetMs = Math.min(sliceMs, ctx.deadline - Date.now() - 1000);
    if (budgetMs <= 0) break;
    const slice = await scanNodeChunk(redis, state.cursor, { ...common, scanCount: params.scanCount, budgetMs });
    state.aggregate = bound(mergeAggregates(state.aggregate, slice.aggregate, params.topKeys));
    state.cursor = slice.cursor;
    cursor.done = slice.done;
    cursor.counts = { keysProbed: state.aggregate.keysProbed, dbsize: state.dbsize, restarts: state.restarts };
    await ctx.checkpoint([cursor]);
  }
}

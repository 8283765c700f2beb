import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import type { JobChunkContext, JobKind } from '../../platform/jobs/JobKind';
import type { CursorRecord } from '../../platform/jobs/JobRecord';
import { discoverShards } from '../../platform/keyspace/discoverShards';
import { withRedis } from '../../platform/redis/redisConnections';
import type { RedisConnection } from '../../platform/redis/RedisConnectionManager';
import { nodeKey } from '../../platform/redis/RedisTarget';
import { infoNumber, parseInfo } from '../../platform/topology/parseInfo';
import { CommandTable } from './CommandTable';
import { stateOf, type HotkeysCursorState, type ServerHotStats } from './hotkeysCursor';
import { hotkeysParamsSchema, type HotkeysParams } from './hotkeysRequest';
import { buildHotkeysReport, compactReport } from './hotkeysReport';
import { recordHotKeyAlerts } from './hotKeyAlerts';
import { lfuSample } from './lfuSample';
import { monitorWindow } from './monitorWindow';
import { SpaceSaving } from './SpaceSaving';

/** A cursor's summary stays under this many JSON characters (a row holds ~450 000 with the rest). */
const maxSummaryChars = 250_000;
/** A window starts only when it can end this long before the chunk's deadline. */
const windowMarginMs = 2000;

/**
 * Job kind `hotkeys`: every master in parallel until `durationSeconds` have passed. MONITOR path: a window of
 * `windowMs` every `windowMs / dutyCycle`, capped in bytes and stopped by the latency guard (`monitorWindow`), each
 * window's keys counted into the node's Space-Saving summary, checkpointed after every window — a crash loses at
 * most the window in flight, which was never counted. LFU path (policy `*-lfu`): OBJECT FREQ on a SCAN sample,
 * cross-checked by one MONITOR window where MONITOR is allowed. The report is built from the cursor rows.
 */
export const hotkeysJob: JobKind = {
  name: 'hotkeys',
  async runChunk(ctx) {
    const params = hotkeysParamsSchema.parse(ctx.job.params);
    const timeoutMs = Math.max(1000, ctx.deadline - Date.now()) + 15_000;
    return withRedis(
      ctx.cluster,
      async (connection) => {
        const cursors = ctx.cursors.length > 0 ? ctx.cursors.map((c) => structuredClone(c)) : await plan(connection, params, Date.parse(ctx.job.startedAt ?? ctx.job.createdAt));
        if (ctx.cursors.length === 0) await ctx.checkpoint(cursors);
        const failed = cursors.find((c) => stateOf(c).method === 'monitor' && !params.monitorAllowed);
        if (failed) return { status: 'failed', code: 'hotkeys_monitor_not_allowed', reason: `node ${stateOf(failed).name} has no LFU policy and MONITOR is not used on this cache (Azure Managed Redis)` };
        await Promise.all(cursors.filter((c) => !c.done).map((c) => runNode(c, connection, params, ctx)));
        if (!cursors.every((c) => c.done)) return { done: false };
        const report = buildHotkeysReport(ctx.job.clusterId, params, cursors.map(stateOf));
        if (ctx.cp) await recordHotKeyAlerts(ctx.cp, ctx.job.clusterId, ctx.job.id, report);
        return { done: true, result: compactReport(report) };
      },
      { timeoutMs },
    );
  },
};

/** One cursor per master; the method per node from its policy (INFO, so it works where CONFIG is blocked). */
async function plan(connection: RedisConnection, params: HotkeysParams, startedAt: number): Promise<CursorRecord[]> {
  const shards = await discoverShards(connection);
  const endsAt = startedAt + params.durationSeconds * 1000;
  return Promise.all(
    shards.map(async (s) => {
      const redis = await connection.node(s.address);
      const info = parseInfo(String(await redis.info()));
      const policy = info['maxmemory_policy'] ?? 'unknown';
      const lfu = policy.endsWith('-lfu');
      const method = params.method === 'auto' ? (lfu ? 'lfu' : 'monitor') : params.method;
      const total = infoNumber(info, 'total_commands_processed');
      const state: HotkeysCursorState = {
        address: s.address, name: nodeKey(s.address), nodeId: s.nodeId, slot: s.slot, method, policy, server: await serverStats(redis), endsAt, nextWindowAt: 0,
        summary: new SpaceSaving(params.capacity).state(), windows: 0, monitoredMs: 0, bytesRead: 0, maxWindowBytes: 0, commands: 0, reads: 0, writes: 0,
        stops: { time: 0, bytes: 0, latency: 0, error: 0 }, opsFirst: total === undefined ? null : { at: Date.now(), total }, opsLast: null,
        ...(method === 'lfu' ? { lfu: { cursor: '0', scanned: 0, done: false, top: [] } } : {}),
      };
      return { id: s.shard, state: state as unknown as Record<string, unknown>, counts: { windows: 0, commands: 0, bytesRead: 0 }, done: false };
    }),
  );
}

/** COMMAND INFO answers nil for a command the server does not have. */
async function serverStats(redis: Redis): Promise<ServerHotStats> {
  try {
    const [slotStats, hotkeys] = (await redis.call('COMMAND', 'INFO', 'cluster|slot-stats', 'hotkeys')) as unknown[];
    return { slotStats: Array.isArray(slotStats), hotkeys: Array.isArray(hotkeys) };
  } catch {
    return { slotStats: false, hotkeys: false };
  }
}

async function runNode(cursor: CursorRecord, connection: RedisConnection, params: HotkeysParams, ctx: JobChunkContext): Promise<void> {
  const state = stateOf(cursor);
  const node = await connection.node(state.address);
  const table = new CommandTable();
  await table.learnCommon(node);
  const summary = SpaceSaving.from(state.summary);
  const save = async (): Promise<void> => {
    state.summary = summary.state(maxSummaryChars);
    cursor.counts = { windows: state.windows, commands: state.commands, bytesRead: state.bytesRead, ...(state.lfu ? { lfuScanned: state.lfu.scanned } : {}) };
    await ctx.checkpoint([cursor]);
  };
  if (state.lfu && !state.lfu.done) {
    await lfuSample(node, state.lfu, { maxKeys: params.lfuSampleKeys, keysPerSecond: params.lfuKeysPerSecond, keep: params.capacity, deadline: ctx.deadline - windowMarginMs, shouldStop: () => ctx.shouldStop() });
    await save();
    if (!state.lfu.done) return;
  }
  while (!ctx.shouldStop()) {
    const now = Date.now();
    // The LFU path runs one MONITOR window to cross-check its ranking (where MONITOR may run), then ends.
    const finished = state.lfu ? state.windows > 0 || !params.monitorAllowed : now >= state.endsAt;
    if (finished) {
      await readOps(node, state);
      if (state.server.slotStats) state.slotStats = await readSlotStats(node);
      cursor.done = true;
      await save();
      return;
    }
    if (now < state.nextWindowAt) {
      const wait = Math.min(state.nextWindowAt - now, 250, ctx.deadline - now);
      if (wait <= 0) return;
      await sleep(wait);
      continue;
    }
    if (now + params.windowMs + windowMarginMs > ctx.deadline) return; // the next chunk runs it
    const window = await monitorWindow(connection, state.address, node, table, summary, { windowMs: params.windowMs, maxBytes: params.maxBytesPerWindow, maxLatencyMs: params.maxLatencyMs });
    state.windows += 1;
    state.monitoredMs += window.durationMs;
    state.bytesRead += window.bytesRead;
    state.maxWindowBytes = Math.max(state.maxWindowBytes, window.bytesRead);
    state.commands += window.commands;
    state.reads += window.reads;
    state.writes += window.writes;
    state.stops[window.stoppedBy] += 1;
    if (window.error) state.lastError = window.error.slice(0, 300);
    // Off-time keeps the duty cycle; a window the guard stopped waits a full period before the next try.
    state.nextWindowAt = Date.now() + Math.round(params.windowMs * (1 / params.dutyCycle - 1));
    await readOps(node, state);
    await table.learnSeen(node);
    await save();
    if (window.stoppedBy === 'error' && window.commands === 0 && state.windows >= 3 && state.commands === 0) {
      throw new Error(`MONITOR on ${state.name} failed 3 times: ${window.error ?? 'no output'}`);
    }
  }
}

async function readOps(node: Redis, state: HotkeysCursorState): Promise<void> {
  const total = infoNumber(parseInfo(String(await node.info('stats'))), 'total_commands_processed');
  if (total === undefined) return;
  const reading = { at: Date.now(), total };
  if (!state.opsFirst) state.opsFirst = reading;
  else state.opsLast = reading;
}

/** Valkey 8 / Redis 8.2 `CLUSTER SLOT-STATS ORDERBY key-count LIMIT 16` (cpu-usec needs cluster-slot-stats-enabled). */
async function readSlotStats(node: Redis): Promise<Array<Record<string, number>>> {
  try {
    const reply = (await node.call('CLUSTER', 'SLOT-STATS', 'ORDERBY', 'key-count', 'LIMIT', '16')) as unknown[];
    return reply.map((row) => {
      const [slot, metrics] = row as [number, unknown[]];
      const out: Record<string, number> = { slot: Number(slot) };
      for (let i = 0; i + 1 < metrics.length; i += 2) out[String(metrics[i])] = Number(metrics[i + 1]);
      return out;
    });
  } catch {
    return [];
  }
}

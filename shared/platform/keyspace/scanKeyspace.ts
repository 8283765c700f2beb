import { setTimeout as sleep } from 'node:timers/promises';
import type { Cluster, Redis } from 'ioredis';
import { classifyRedisError } from '../redis/classifyRedisError';
import type { RedisConnection } from '../redis/RedisConnectionManager';
import { withRedis } from '../redis/redisConnections';
import type { NodeAddress } from '../redis/RedisTarget';
import type { JobChunkContext } from '../jobs/JobKind';
import type { Counts, CursorRecord } from '../jobs/JobRecord';
import { isLeaseLostError } from '../jobs/LeaseLostError';
import { discoverShards, ownerOf, type Shard } from './discoverShards';
import { LatencyGuard, type LatencyGuardOptions } from './LatencyGuard';
import { packKeys, unpackKeys } from './packKeys';
import { PaceMeter, type ShardPace } from './PaceMeter';
import { TokenBucket } from './TokenBucket';

/** What a cursor row holds for one shard (master). */
export interface ShardCursorState {
  shard: string;
  slot: number | null;
  nodeId: string | null;
  address: NodeAddress;
  replicas: number;
  /** SCAN cursor to continue from. */
  cursor: string;
  /** SCAN restarts from 0 because the shard's master changed (failover). */
  restarts: number;
  /**
   * Write-ahead: the batch about to be acted on (`packed`: `packKeys`; `keys`, base64 per key, as rows written before
   * the packing read) and the cursor after it. Present in a checkpoint
   * means "maybe applied": the next holder re-applies it (idempotent) before scanning on from `next`. `next` is null
   * once the shard's master changed: a SCAN cursor belongs to one node, so the scan restarts from 0 on the new one.
   */
  pending: { packed?: string; keys?: string[]; next: string | null } | null;
  /** How the shard is paced (rate, what binds, guard back-offs, time per phase), as of its last checkpoint. */
  pace?: ShardPace;
}

/** How the operation is to talk to a node. */
export interface Pace {
  guard: LatencyGuard;
  /** Multi-key commands are only allowed within one slot in cluster mode. */
  mode: 'standalone' | 'cluster';
}

/** The per-key work of a keyspace job (UNLINK for invalidation, TTL + EXPIRE NX for hygiene). */
export interface KeyspaceOperation {
  /** Picks the keys to act on from a scanned batch (e.g. those without a TTL), counting what it saw. */
  select?(node: Redis, keys: Buffer[], counts: Counts, pace: Pace): Promise<Buffer[]>;
  /** Acts on keys of one node, counting outcomes from the replies (never from what was scanned). */
  apply(node: Redis, keys: Buffer[], counts: Counts, pace: Pace): Promise<void>;
  /** Applies again a write-ahead batch a crashed holder may or may not have applied (routing client). */
  recover(client: Redis | Cluster, keys: Buffer[], counts: Counts): Promise<void>;
}

export interface KeyspaceScanOptions {
  /** SCAN MATCH pattern (namespace-scoped: the caller checked it). */
  pattern: string;
  /** SCAN COUNT (the upper bound when the latency guard adapts it). */
  scanCount: number;
  /** Keys acted on per second per node; null = unlimited. */
  keysPerSecondPerNode: number | null;
  /** null = off. */
  latencyGuard: LatencyGuardOptions | null;
  /** Most keys acted on over the whole job; null = no maximum. */
  maxKeys: number | null;
  /** Unpaced jobs: selected keys gathered over SCAN batches per write-ahead checkpoint. @default 10000 */
  writeAheadKeys?: number;
}

export interface KeyspaceScanResult {
  done: boolean;
  limitReached: boolean;
  /** Latency-guard back-offs over the whole job (every chunk, every shard). */
  guardBackoffs: number;
}

/** Write-ahead batches are split so a checkpoint row stays far below the 1 MiB entity limit. */
const maxPendingChars = 300_000;
/** Selected keys gathered (over several SCAN batches) per write-ahead checkpoint of an unpaced job. */
const writeAheadKeys = 10_000;
/** Progress without write-ahead (nothing selected) is checkpointed at most this often. */
const idleCheckpointMs = 1000;

/**
 * The keyspace engine of one chunk: every master in parallel, `SCAN cursor MATCH pattern COUNT n`, the
 * operation's write-ahead checkpoint, then the operation (pipelined), replica acknowledgement (WAIT) in cluster
 * mode, the per-node rate limit and the latency guard. Memory holds one batch per node whatever the key count.
 * A node that fails mid-chunk is re-discovered: when its slots moved to another master (failover), its SCAN
 * restarts from 0 there; acting again on keys is harmless because every operation is idempotent.
 */
export async function scanKeyspace(ctx: JobChunkContext, op: KeyspaceOperation, options: KeyspaceScanOptions): Promise<KeyspaceScanResult> {
  const timeoutMs = Math.max(1000, ctx.deadline - Date.now()) + 15_000;
  return withRedis(ctx.cluster, (connection) => new ChunkScan(ctx, op, options, connection).run(), { timeoutMs });
}

interface ShardRun {
  record: CursorRecord;
  state: ShardCursorState;
}

/** SCAN replies gathered for one write-ahead: the selected keys, the cursor after them, what selecting counted. */
interface Group {
  keys: Buffer[];
  next: string;
  counts: Counts;
  selectMs: number;
}

class ChunkScan {
  private limitLeft: number;
  private limitReached = false;
  /** The first chunk's plan checkpoint, in flight while the first SCANs run. */
  private planned: Promise<void> | undefined;
  private mode: 'standalone' | 'cluster' = 'standalone';

  constructor(
    private readonly ctx: JobChunkContext,
    private readonly op: KeyspaceOperation,
    private readonly options: KeyspaceScanOptions,
    private readonly connection: RedisConnection,
  ) {
    const used = ctx.cursors.reduce((sum, c) => sum + (c.counts['selected'] ?? 0), 0);
    this.limitLeft = options.maxKeys === null ? Infinity : Math.max(0, options.maxKeys - used);
  }

  async run(): Promise<KeyspaceScanResult> {
    this.mode = await this.connection.topologyMode();
    const runs = await this.plan();
    await Promise.all(runs.filter((r) => !r.record.done).map((r) => this.runShard(r)));
    await this.planned;
    const done = runs.every((r) => r.record.done) || (this.limitReached && runs.every((r) => r.state.pending === null));
    return { done, limitReached: this.limitReached, guardBackoffs: runs.reduce((n, r) => n + (r.state.pace?.guard?.backoffs ?? 0), 0) };
  }

  /** First chunk: one cursor per master. Later chunks: the saved cursors, restarted where the master changed. */
  private async plan(): Promise<ShardRun[]> {
    if (this.ctx.cursors.length === 0) {
      const shards = await discoverShards(this.connection);
      const runs = shards.map((s) => ({ record: { id: s.shard, state: {}, counts: {}, done: false }, state: fresh(s) }));
      for (const r of runs) r.record.state = r.state as unknown as Record<string, unknown>;
      // Not awaited here: the shards' first SCANs (read-only) go out while the plan is written; their own first
      // checkpoint queues behind it (group commit), and run() awaits it before returning.
      this.planned = this.ctx.checkpoint(runs.map((r) => r.record));
      this.planned.catch(() => undefined);
      this.ctx.log(`planned ${runs.length} shard(s): ${shards.map((s) => `${s.shard}@${s.address.host}:${s.address.port}`).join(', ')}`);
      return runs;
    }
    const runs = this.ctx.cursors.map((c) => {
      const record = structuredClone(c);
      return { record, state: record.state as unknown as ShardCursorState };
    });
    if (this.mode === 'cluster' && runs.some((r) => !r.record.done)) await this.reconcile(runs.filter((r) => !r.record.done));
    return runs;
  }

  /** Points each shard at the master that owns its slot now; a changed master restarts its SCAN from 0. */
  private async reconcile(runs: ShardRun[]): Promise<void> {
    if (this.mode !== 'cluster') return;
    const shards = await discoverShards(this.connection, runs.map((r) => r.state.address));
    for (const run of runs) {
      const owner = run.state.slot === null ? undefined : ownerOf(shards, run.state.slot);
      if (!owner || owner.nodeId === run.state.nodeId) continue;
      this.ctx.log(`shard ${run.state.shard}: master changed ${run.state.address.host}:${run.state.address.port} -> ${owner.address.host}:${owner.address.port}; SCAN restarts from 0`);
      // A batch in flight at the failover is still re-applied, but its cursor was the old master's: drop it.
      const pending = run.state.pending ? { ...run.state.pending, next: null } : null;
      Object.assign(run.state, { nodeId: owner.nodeId, address: owner.address, replicas: owner.replicas, cursor: '0', restarts: run.state.restarts + 1, pending });
      run.record.counts['restarts'] = run.state.restarts;
    }
  }

  private async runShard(run: ShardRun): Promise<void> {
    const guard = new LatencyGuard(this.options.latencyGuard, this.options.scanCount);
    const bucket = new TokenBucket(this.options.keysPerSecondPerNode);
    const meter = new PaceMeter(guard, this.options.keysPerSecondPerNode, run.state.pace);
    let failures = 0;
    try {
      while (!run.record.done && !this.ctx.shouldStop() && !(this.limitReached && run.state.pending === null)) {
        try {
          await this.scanShard(run, guard, bucket, meter);
          failures = 0;
        } catch (error) {
          if (isLeaseLostError(error) || classifyRedisError(error) === 'reply' && !isRedirect(error)) throw error;
          failures += 1;
          this.ctx.log(`shard ${run.state.shard} at ${run.state.address.host}:${run.state.address.port}: ${classifyRedisError(error)} (${shortMessage(error)}); re-discovering`);
          await sleep(Math.min(2000, 250 * failures));
          if (this.ctx.shouldStop()) break;
          await this.reconcile([run]).catch((e: unknown) => this.ctx.log(`re-discovery failed: ${shortMessage(e)}`));
        }
      }
    } finally {
      run.state.pace = meter.snapshot();
    }
  }

  private async scanShard(run: ShardRun, guard: LatencyGuard, bucket: TokenBucket, meter: PaceMeter): Promise<void> {
    const { state, record } = run;
    const counts = record.counts;
    const pace: Pace = { guard, mode: this.mode };
    const timed = async <T>(phase: 'scan' | 'select' | 'checkpoint' | 'apply' | 'rateWait', work: Promise<T>): Promise<T> => {
      const start = performance.now();
      try {
        return await work;
      } finally {
        meter.add(phase, performance.now() - start);
      }
    };
    const checkpoint = () => {
      state.pace = meter.snapshot();
      return timed('checkpoint', this.ctx.checkpoint([record]));
    };
    if (state.pending) {
      // SCAN may return a key twice (while the server rehashes), so a gathered batch can hold it twice: replayed once.
      const written = state.pending.packed !== undefined ? unpackKeys(state.pending.packed) : (state.pending.keys ?? []).map((k) => Buffer.from(k, 'base64'));
      const keys = [...new Map(written.map((k) => [k.toString('latin1'), k])).values()];
      await this.op.recover(await this.connection.client(), keys, counts);
      counts['recovered'] = (counts['recovered'] ?? 0) + keys.length;
      if (state.pending.next === null) state.pending = null;
      else this.advance(run, state.pending.next);
      await checkpoint();
      if (record.done) return;
    }
    const node = await this.connection.node(state.address);
    const scan = async (cursor: string): Promise<[string, Buffer[]]> => {
      const paused = guard.pauseMs;
      await guard.beforeBatch(node, this.ctx.deadline);
      meter.add('guardPause', guard.pauseMs - paused);
      const start = performance.now();
      const [next, keys] = await node.scanBuffer(cursor, 'MATCH', this.options.pattern, 'COUNT', guard.scanCount);
      guard.observe(performance.now() - start);
      return [next.toString(), keys];
    };
    let lastCheckpoint = Date.now();
    let ahead = scan(state.cursor) as Promise<[string, Buffer[]]> | undefined;
    // Unpaced (no guard, no rate limit), SCAN batches are gathered up to `writeAheadKeys` selected keys per
    // write-ahead checkpoint: the checkpoint (a Table Storage round trip) is then the costliest step per batch, so
    // fewer, larger ones; and the next group is scanned while this one is written ahead and applied (SCAN is
    // read-only), so Redis scans while the host waits for Table Storage. Paced, a batch is checkpointed on its own
    // (progress and rate show as they happen) and only the next SCAN is prefetched: the guard's PINGs and the
    // rate limit see one batch at a time.
    const paced = guard.enabled || this.options.keysPerSecondPerNode !== null;
    const gatherKeys = paced ? 0 : (this.options.writeAheadKeys ?? writeAheadKeys);
    let stopped = false;
    /** SCAN replies (selected) up to `gatherKeys` keys. Its counts stay apart until the group is written ahead. */
    const gather = async (): Promise<Group> => {
      const group: Group = { keys: [], next: state.cursor, counts: {}, selectMs: 0 };
      while (ahead && !stopped) {
        const [cursor, keys] = await ahead;
        ahead = undefined;
        group.next = cursor;
        group.counts['scanned'] = (group.counts['scanned'] ?? 0) + keys.length;
        const started = performance.now();
        const picked = this.op.select ? await timed('select', this.op.select(node, keys, group.counts, pace)) : keys;
        group.selectMs += performance.now() - started;
        if (stopped) break;
        const reserved = this.reserve(picked);
        group.keys = group.keys.length === 0 ? reserved : group.keys.concat(reserved);
        if (cursor !== '0' && !this.ctx.shouldStop() && !this.limitReached) {
          ahead = scan(cursor);
          ahead.catch(() => undefined);
        }
        if (!ahead || group.keys.length >= gatherKeys || Date.now() - lastCheckpoint >= idleCheckpointMs) break;
      }
      return group;
    };
    let next: Promise<Group> | undefined = gather();
    next.catch(() => undefined);
    try {
      while (next) {
        const waited = performance.now();
        const group = await next;
        next = undefined;
        meter.add('scan', Math.max(0, performance.now() - waited - group.selectMs));
        if (!paced && ahead) {
          next = gather();
          next.catch(() => undefined);
        }
        if (group.keys.length > 0) {
          // Rate limit before committing to the group: a wait past the deadline leaves it to the next chunk, which
          // scans and selects it again and counts it there only.
          if (!(await timed('rateWait', bucket.take(group.keys.length, this.ctx.deadline)))) {
            this.unreserve(group.keys.length);
            await checkpoint();
            return;
          }
          addCounts(counts, group.counts);
          const parts = splitByEncodedSize(group.keys);
          for (const [index, part] of parts.entries()) {
            // A crash after a non-final part re-scans from this part's first cursor: the applied keys are gone by then.
            state.pending = { packed: packKeys(part), next: index === parts.length - 1 ? group.next : state.cursor };
            counts['selected'] = (counts['selected'] ?? 0) + part.length;
            await checkpoint();
            await timed('apply', (async () => {
              await this.op.apply(node, part, counts, pace);
              if (this.mode === 'cluster' && state.replicas > 0) await node.call('WAIT', 1, 100);
            })());
            meter.acted(part.length);
          }
          state.pending = null;
          lastCheckpoint = Date.now();
        } else addCounts(counts, group.counts);
        this.advance(run, group.next);
        if (record.done || (!next && !ahead) || Date.now() - lastCheckpoint >= idleCheckpointMs) {
          await checkpoint();
          lastCheckpoint = Date.now();
        }
        if (!next && ahead) {
          next = gather();
          next.catch(() => undefined);
        }
      }
    } finally {
      // Leaving early (an error, the rate limit): a group gathered ahead was never applied; give back its keys.
      stopped = true;
      const unused = await next?.catch(() => undefined);
      if (unused) this.unreserve(unused.keys.length);
    }
  }

  private unreserve(n: number): void {
    if (this.limitLeft === Infinity) return;
    this.limitLeft += n;
    this.limitReached = this.limitLeft <= 0;
  }

  private advance(run: ShardRun, next: string): void {
    run.state.cursor = next;
    run.state.pending = null;
    if (next === '0') run.record.done = true;
  }

  /** Takes keys from the job's maximum; once it is used up, no node acts on more keys. */
  private reserve(keys: Buffer[]): Buffer[] {
    if (this.limitLeft === Infinity) return keys;
    const taken = keys.slice(0, Math.max(0, Math.min(keys.length, this.limitLeft)));
    this.limitLeft -= taken.length;
    if (this.limitLeft <= 0) this.limitReached = true;
    return taken;
  }
}

function fresh(shard: Shard): ShardCursorState {
  return { shard: shard.shard, slot: shard.slot, nodeId: shard.nodeId, address: shard.address, replicas: shard.replicas, cursor: '0', restarts: 0, pending: null };
}

function addCounts(counts: Counts, more: Counts): void {
  for (const [name, n] of Object.entries(more)) counts[name] = (counts[name] ?? 0) + n;
}

function splitByEncodedSize(keys: Buffer[]): Buffer[][] {
  const groups: Buffer[][] = [];
  let group: Buffer[] = [];
  let size = 0;
  for (const key of keys) {
    const chars = Math.ceil(key.length / 3) * 4 + 3;
    if (group.length > 0 && size + chars > maxPendingChars) {
      groups.push(group);
      group = [];
      size = 0;
    }
    group.push(key);
    size += chars;
  }
  if (group.length > 0) groups.push(group);
  return groups;
}

/**
 * MOVED / ASK / TRYAGAIN, or a script told it touched a key this node does not serve (a slot moved or migrating
 * mid-batch): the node no longer (or not yet) serves these slots — a topology change.
 */
function isRedirect(error: unknown): boolean {
  return error instanceof Error && (/^(MOVED|ASK|TRYAGAIN)\b/.test(error.message) || /Script attempted to access a non local key/.test(error.message));
}

/** First line of an error without command arguments (ioredis appends them, and they may be key names). */
function shortMessage(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return (message.split('\n')[0] ?? '').replace(/Command:.*$/s, '').slice(0, 160);
}

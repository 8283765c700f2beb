import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { invalidationOperation } from '../../shared/admin/invalidation/invalidationOperation';
import type { JobChunkContext } from '../../shared/platform/jobs/JobKind';
import type { CursorRecord, JobRecord } from '../../shared/platform/jobs/JobRecord';
import { LeaseLostError } from '../../shared/platform/jobs/LeaseLostError';
import { unpackKeys } from '../../shared/platform/keyspace/packKeys';
import { scanKeyspace } from '../../shared/platform/keyspace/scanKeyspace';
import type { ClusterResource } from '../../shared/platform/registry/clusterSpec';
import { redisConnections } from '../../shared/platform/redis/redisConnections';
import { useOwnRedis } from '../helpers/redis';

// A holder dies right after its first write-ahead checkpoint (batch "maybe applied"). The next holder replays the
// batch (checked again: the stream stays) and goes on: `deleted` is exact, also when the row was written in the
// format before packing (a base64 string per key) and when the batch holds a key twice (a SCAN duplicate).
const own = useOwnRedis();
afterAll(() => redisConnections.closeAll());
const options = { pattern: 'wr:*', scanCount: 200, keysPerSecondPerNode: null, latencyGuard: null, maxKeys: null, writeAheadKeys: 500 };

function context(cluster: ClusterResource, cursors: CursorRecord[], saved: Map<string, CursorRecord>, crash = false): JobChunkContext {
  let writeAheads = 0;
  return {
    job: { id: 'write-ahead-replay' } as JobRecord,
    cursors,
    cluster,
    deadline: Date.now() + 20_000,
    shouldStop: () => false,
    async checkpoint(records) {
      for (const r of records) saved.set(r.id, structuredClone(r));
      if (crash && records.some((r) => (r.state as { pending?: unknown }).pending) && ++writeAheads === 1) throw new LeaseLostError('write-ahead-replay', 'test: holder died after its write-ahead');
    },
    log: () => undefined,
  };
}

describe('replay of a written-ahead batch', () => {
  it('counts exactly from a row in the old format with a duplicated key, and leaves the stream', async () => {
    const redis = new Redis(own.server.port, own.server.host);
    const pipeline = redis.pipeline();
    for (let i = 0; i < 3000; i++) pipeline.set(`wr:${i}`, 'v');
    pipeline.xadd('wr:stream', '*', 'n', '1');
    await pipeline.exec();
    const cluster = { id: 'wr', mode: 'standalone', endpoints: [{ host: own.server.host, port: own.server.port }], tls: { enabled: false }, secretRef: { kind: 'none' }, version: 1 } as ClusterResource;
    const saved = new Map<string, CursorRecord>();
    const first = await scanKeyspace(context(cluster, [], saved, true), invalidationOperation(false), options).then(() => 'finished', (e: unknown) => String(e));
    expect(first).toMatch(/lease lost/);
    const [record] = [...saved.values()];
    const state = record?.state as { pending: { packed?: string; keys?: string[]; next: string } };
    expect(state.pending.packed).toBeDefined();
    // The row as the format before packing wrote it, with one key twice.
    const keys = unpackKeys(state.pending.packed as string).map((k) => k.toString('base64'));
    state.pending = { keys: [...keys, keys[0] as string], next: state.pending.next };
    for (let chunk = 0; chunk < 5; chunk++) if ((await scanKeyspace(context(cluster, [...saved.values()], saved), invalidationOperation(false), options)).done) break;
    const [done] = [...saved.values()];
    expect(done?.done).toBe(true);
    expect(done?.counts).toMatchObject({ deleted: 3000, skippedMessaging: 1, recovered: keys.length });
    expect(await redis.dbsize()).toBe(1);
    expect(await redis.type('wr:stream')).toBe('stream');
    redis.disconnect();
  });
});

import { Cluster, type Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import type { ClusterResource } from '../../shared/platform/registry/clusterSpec';
import type { JobChunkContext } from '../../shared/platform/jobs/JobKind';
import type { CursorRecord, JobRecord } from '../../shared/platform/jobs/JobRecord';
import { LeaseLostError } from '../../shared/platform/jobs/LeaseLostError';
import { scanKeyspace } from '../../shared/platform/keyspace/scanKeyspace';
import { unlinkKeys } from '../../shared/admin/invalidation/unlinkKeys';
import { redisConnections } from '../../shared/platform/redis/redisConnections';
import { scanAll, useOwnCluster } from '../helpers/redis';

// A holder dies right after a write-ahead checkpoint (batch "maybe applied", cursor of the OLD master saved), then
// that shard fails over. The next holder must re-apply the batch and rescan the NEW master from 0: a SCAN cursor
// belongs to one node, and continuing with the old one would skip keys on the new master.
const own = useOwnCluster();
afterAll(() => redisConnections.closeAll());

const keys = 6000;
// Unpaced: SCAN batches of 200 gathered into write-aheads of 500+ keys, about four per master.
const options = { pattern: 'fp:*', scanCount: 200, keysPerSecondPerNode: null, latencyGuard: null, maxKeys: null, writeAheadKeys: 500 };

function context(cluster: ClusterResource, cursors: CursorRecord[], saved: Map<string, CursorRecord>, crashOn?: (record: CursorRecord) => boolean): JobChunkContext {
  return {
    job: { id: 'failover-pending' } as JobRecord,
    cursors,
    cluster,
    deadline: Date.now() + 20_000,
    shouldStop: () => false,
    async checkpoint(records) {
      for (const r of records) saved.set(r.id, structuredClone(r));
      const crashed = records.find((r) => crashOn?.(r));
      if (crashed) throw new LeaseLostError('failover-pending', 'test: holder died after its write-ahead checkpoint');
    },
    log: () => undefined,
  };
}

describe('failover with a write-ahead batch pending', () => {
  it('re-applies the batch, rescans the new master from 0: no key left, deleted = keys written', async () => {
    const client = new Cluster(own.cluster.seeds);
    for (let i = 0; i < keys; i += 500) await Promise.all(Array.from({ length: 500 }, (_, j) => client.set(`fp:${i + j}`, 'v')));
    const cluster = { id: 'fp', mode: 'cluster', endpoints: own.cluster.seeds, tls: { enabled: false }, secretRef: { kind: 'none' }, version: 1 } as ClusterResource;
    const victim = own.cluster.masters[0];
    if (!victim) throw new Error('no master');
    const victimAddress = `${victim.host}:${victim.port}`;

    // Holder 1: dies at the victim shard's third write-ahead checkpoint (some batches applied, one pending).
    const saved = new Map<string, CursorRecord>();
    let victimWriteAheads = 0;
    const crashOn = (r: CursorRecord): boolean => {
      const state = r.state as { address?: { host: string; port: number }; pending?: unknown };
      if (!state.pending || `${state.address?.host}:${state.address?.port}` !== victimAddress) return false;
      return ++victimWriteAheads === 3;
    };
    const first = await scanKeyspace(context(cluster, [], saved, crashOn), unlinkKeys, options).then(() => 'finished', (e: unknown) => String(e));
    expect(first).toMatch(/lease lost/);
    const victimRecord = [...saved.values()].find((r) => (r.state as { pending?: unknown }).pending);
    expect(victimRecord, 'the victim shard was checkpointed with a pending batch').toBeDefined();

    // The victim's replica takes over (graceful failover, so nothing else changes).
    const replica = await replicaOf(client, victim.port);
    await replica.cluster('FAILOVER');
    await waitFor(async () => (await replica.role())[0] === 'master');
    // Every node must see the new master before the next holder discovers shards (gossip takes a moment).
    const newMasterId = String(await replica.cluster('MYID'));
    await waitFor(async () => {
      const views = await Promise.all(client.nodes('all').map((n) => n.cluster('NODES').then(String)));
      return views.every((v) => v.split('\n').some((line) => line.startsWith(newMasterId) && line.includes('master')));
    });
    await redisConnections.closeAll();

    // Holder 2..n: resume from the saved cursors until done.
    for (let chunk = 0; chunk < 10; chunk++) {
      const result = await scanKeyspace(context(cluster, [...saved.values()], saved), unlinkKeys, options);
      if (result.done) break;
    }
    const records = [...saved.values()];
    expect(records.every((r) => r.done)).toBe(true);
    expect(records.some((r) => (r.counts['restarts'] ?? 0) >= 1)).toBe(true);
    expect(await scanAll(client, 'fp:*')).toEqual([]);
    expect(records.reduce((sum, r) => sum + (r.counts['deleted'] ?? 0), 0)).toBe(keys);
    client.disconnect();
  }, 60_000);
});

/** The node replicating the master on `masterPort`, by the `myself` line of each replica's CLUSTER NODES. */
async function replicaOf(client: Cluster, masterPort: number): Promise<Redis> {
  const master = client.nodes('master').find((n) => n.options.port === masterPort);
  if (!master) throw new Error(`no master on port ${masterPort}`);
  const masterId = String(await master.cluster('MYID'));
  for (const node of client.nodes('slave')) {
    const myself = String(await node.cluster('NODES')).split('\n').find((line) => line.includes('myself'));
    if (myself?.split(' ')[3] === masterId) return node;
  }
  throw new Error(`no replica of ${masterPort}`);
}

async function waitFor(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('timed out waiting for the failover');
}

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { systemPrincipal } from '../../shared/platform/auth/Principal';
import { clusterStreamStateSchema } from '../../shared/platform/registry/clusterStreamState';
import { isDomainError } from '../../shared/platform/store/DomainError';
import { sampleCluster, samplePolicy, testControlPlane } from './api';

const change = { principal: systemPrincipal, correlationId: 'projection-test' };

/** A random admin command against one cluster; many are invalid in the current state (that is part of the test). */
const command = fc.oneof(
  fc.record({ op: fc.constant('putCluster' as const), port: fc.integer({ min: 1, max: 65535 }) }),
  fc.record({ op: fc.constant('removeCluster' as const) }),
  fc.record({ op: fc.constant('putNamespace' as const), ns: fc.constantFrom('users', 'carts', 'sessions'), ttl: fc.integer({ min: 1, max: 86_400 }) }),
  fc.record({ op: fc.constant('removeNamespace' as const), ns: fc.constantFrom('users', 'carts', 'sessions') }),
);

describe('cluster stream projection', () => {
  it('replaying the stream gives exactly the live projection (the snapshot read path)', async () => {
    const cp = await testControlPlane();
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(command, { minLength: 1, maxLength: 12 }), async (commands) => {
        const id = `replay-${(run += 1)}`;
        for (const c of commands) {
          try {
            if (c.op === 'putCluster') await cp.clusters.put(id, { ...sampleCluster, endpoints: [{ host: '10.0.0.1', port: c.port }] } as never, change);
            if (c.op === 'removeCluster') await cp.clusters.remove(id, change);
            if (c.op === 'putNamespace') await cp.namespaces.put(id, c.ns, { ...samplePolicy, ttlSeconds: c.ttl }, change);
            if (c.op === 'removeNamespace') await cp.namespaces.remove(id, c.ns, change);
          } catch (error) {
            if (!isDomainError(error) || error.kind !== 'not_found') throw error;
          }
        }
        const live = await cp.streams.load(id);
        const replayed = await cp.streams.replay(id);
        expect(replayed).toEqual(live);
        // The live path really read a snapshot (not a replay in disguise).
        const head = await cp.store.head(`cluster-${id}`);
        expect(live.version).toBe(head.version);
        if (head.version > 0) expect(clusterStreamStateSchema.parse(head.snapshot)).toEqual(live.state);
      }),
      { numRuns: 15 },
    );
  });

  it('lists registered clusters from the stream heads, without removed ones', async () => {
    const cp = await testControlPlane();
    await cp.clusters.put('b-one', sampleCluster as never, change);
    await cp.clusters.put('a-two', sampleCluster as never, change);
    await cp.clusters.put('c-gone', sampleCluster as never, change);
    await cp.clusters.remove('c-gone', change);
    expect((await cp.clusters.list()).map((c) => c.id)).toEqual(['a-two', 'b-one']);
  });
});

describe('events of other areas in a cluster stream', () => {
  it('are recorded, audited and published, and leave the registration projection unchanged', async () => {
    const cp = await testControlPlane();
    const { cluster } = await cp.clusters.put('other-areas', sampleCluster as never, change);
    const [stored] = await cp.streams.record('other-areas', change, [
      { type: 'RedisClusterManager.Warm.Completed', data: { clusterId: 'other-areas', jobId: 'job-1', keysWritten: 10, keysSkipped: 2, durationMs: 40 } },
    ]);
    expect(stored?.version).toBe(2);
    expect(await cp.clusters.get('other-areas')).toEqual(cluster);
    expect((await cp.streams.replay('other-areas')).state).toEqual((await cp.streams.load('other-areas')).state);
    expect(await cp.outbox.pending()).toHaveLength(2); // publishing is off in this control plane
  });
});

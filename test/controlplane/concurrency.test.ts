import { describe, expect, it } from 'vitest';
import { clusterRoutes } from '../../shared/admin/clusters/clusterRoutes';
import { callRoutes, sampleCluster, testControlPlane } from './api';

const writers = 8;

describe('concurrent writers on one cluster', () => {
  it('serialises unconditional PUTs: one event per accepted request, gap-free versions, nothing lost', async () => {
    const cp = await testControlPlane();
    await callRoutes(cp, clusterRoutes, { method: 'PUT', path: '/clusters/race', params: { id: 'race' }, body: sampleCluster });
    const results = await Promise.all(
      Array.from({ length: writers }, (_, i) =>
        callRoutes(cp, clusterRoutes, { method: 'PUT', path: '/clusters/race', params: { id: 'race' }, body: { ...sampleCluster, displayName: `writer-${i}` } }),
      ),
    );
    expect(results.every((r) => r.status === 200 || (r.status === 409 && r.json.code === 'concurrency_conflict'))).toBe(true);
    const accepted = results.filter((r) => r.status === 200).map((r) => r.json.displayName as string);
    expect(accepted.length).toBeGreaterThan(writers / 2);
    const events = await cp.store.read('cluster-race');
    expect(events.map((e) => e.version)).toEqual(Array.from({ length: accepted.length + 1 }, (_, i) => i + 1));
    const written = events.slice(1).map((e) => (e.data as { cluster: { displayName?: string } }).cluster.displayName);
    expect([...written].sort()).toEqual([...accepted].sort());
    // Each accepted response's ETag is the version its own event got.
    for (const r of results.filter((x) => x.status === 200)) {
      expect(events.find((e) => e.version === Number(JSON.parse(r.headers['etag'] ?? '0')))?.data).toMatchObject({ cluster: { displayName: r.json.displayName } });
    }
  });

  it('with the same If-Match, exactly one writer wins and the others get 412', async () => {
    const cp = await testControlPlane();
    const created = await callRoutes(cp, clusterRoutes, { method: 'PUT', path: '/clusters/race-if', params: { id: 'race-if' }, body: sampleCluster });
    const results = await Promise.all(
      Array.from({ length: writers }, (_, i) =>
        callRoutes(cp, clusterRoutes, { method: 'PUT', path: '/clusters/race-if', params: { id: 'race-if' }, headers: { 'if-match': created.headers['etag'] ?? '' }, body: { ...sampleCluster, displayName: `writer-${i}` } }),
      ),
    );
    expect(results.map((r) => r.status).sort()).toEqual([200, ...Array(writers - 1).fill(412)]);
    const winner = results.find((r) => r.status === 200);
    const events = await cp.store.read('cluster-race-if');
    expect(events).toHaveLength(2);
    expect(events[1]?.data).toMatchObject({ cluster: { displayName: winner?.json.displayName } });
  });
});

import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clusterRoutes } from '../../../shared/admin/clusters/clusterRoutes';
import { jobWorkerRuntime } from '../../../shared/app/jobKinds';
import { hotkeysReportRoutes, hotkeysRoutes } from '../../../shared/monitoring/hotkeys/hotkeysRoutes';
import type { ControlPlane } from '../../../shared/platform/controlPlane';
import { keySlot } from '../../../shared/platform/keyspace/keySlot';
import { runJobChunk } from '../../../shared/platform/jobs/runJobChunk';
import { redisConnections } from '../../../shared/platform/redis/redisConnections';
import { callRoutes, testControlPlane } from '../../controlplane/api';
import { useOwnCluster } from '../../helpers/redis';
import { azuriteConnectionString } from '../../helpers/storage';
import { monitorClients } from './skewedLoad';

// A cluster of its own: the radar runs one window loop per master in parallel and merges the nodes' top keys.
const own = useOwnCluster({ masters: 3, replicasPerMaster: 0 });
let cp: ControlPlane;

beforeAll(async () => {
  process.env['AzureWebJobsStorage'] = azuriteConnectionString();
  cp = await testControlPlane();
  const res = await callRoutes(cp, clusterRoutes, { method: 'PUT', path: '/clusters/hkc', params: { id: 'hkc' }, body: { mode: 'cluster', endpoints: own.cluster.seeds, secretRef: { kind: 'none' } }, as: 'admin' });
  expect(res.status).toBe(201);
});
afterAll(() => redisConnections.closeAll());

/** Owner port of every slot, from CLUSTER SLOTS. */
async function slotOwners(): Promise<(slot: number) => number> {
  const r = new Redis({ port: own.cluster.seeds[0]?.port });
  const slots = (await r.call('CLUSTER', 'SLOTS')) as Array<[number, number, [string, number]]>;
  r.disconnect();
  return (slot) => Number(slots.find(([a, b]) => slot >= a && slot <= b)?.[2][1]);
}

describe('hot-key radar on a 3-master cluster', () => {
  it('watches every master at once and merges their top keys, each on its own node and slot', async () => {
    const owner = await slotOwners();
    const ports = own.cluster.masters.map((m) => m.port);
    const keysOf = (port: number, prefix: string, n: number) => Array.from({ length: 5000 }, (_, i) => `${prefix}${i}`).filter((k) => owner(keySlot(Buffer.from(k))) === port).slice(0, n);
    const hot = ports.map((p) => keysOf(p, 'hot:', 1)[0] as string);
    const shares = [0.4, 0.2, 0];
    // One direct connection per master, GETs only of keys it owns (no MOVED), each master with its own hot key.
    let running = true;
    const loads = ports.map(async (port, i) => {
      const cold = keysOf(port, 'cold:', 300);
      const r = new Redis({ port });
      while (running) {
        const p = r.pipeline();
        for (let j = 0; j < 50; j++) p.get(Math.random() < (shares[i] as number) ? (hot[i] as string) : (cold[Math.floor(Math.random() * cold.length)] as string));
        await p.exec();
      }
      r.disconnect();
    });
    const started = await callRoutes(cp, hotkeysRoutes, { method: 'POST', path: '/clusters/hkc/hotkeys', params: { id: 'hkc' }, body: { durationSeconds: 6, windowMs: 500, dutyCycle: 0.25, maxLatencyMs: null }, as: 'operator' });
    expect(started.status).toBe(202);
    const rt = await jobWorkerRuntime(cp);
    let status = 'running';
    for (let i = 0; i < 50 && status === 'running'; i++) {
      const ran = await runJobChunk(started.json.jobId, { ...rt, log: () => undefined });
      status = ran.outcome === 'ran' ? ran.status : ran.outcome;
    }
    running = false;
    await Promise.all(loads);
    expect(status).toBe('succeeded');
    const r = (await callRoutes(cp, hotkeysReportRoutes, { method: 'GET', path: `/clusters/hkc/hotkeys/${started.json.jobId}`, params: { id: 'hkc', jobId: started.json.jobId }, as: 'reader' })).json;
    expect(r.nodes).toHaveLength(3);
    for (const n of r.nodes) {
      expect(n.windows).toBeGreaterThanOrEqual(2);
      expect(n.commands).toBeGreaterThan(100);
    }
    const nodeOf = (port: number) => `127.0.0.1:${port}`;
    expect(r.keys[0]).toMatchObject({ key: hot[0], node: nodeOf(ports[0] as number), slot: keySlot(Buffer.from(hot[0] as string)) });
    const second = r.keys.find((k: { key: string }) => k.key === hot[1]);
    expect(second).toMatchObject({ node: nodeOf(ports[1] as number) });
    expect(Math.abs(r.keys[0].share - 0.4)).toBeLessThan(0.08);
    expect(Math.abs(second.share - 0.2)).toBeLessThan(0.08);
    const hotFindings = r.findings.filter((f: { code: string }) => f.code === 'hot_key').map((f: { key: string }) => f.key);
    expect(hotFindings).toEqual(expect.arrayContaining([hot[0], hot[1]]));
    expect(hotFindings).not.toContain(hot[2]);
    for (const p of ports) expect(await monitorClients(p)).toEqual([]);
  }, 60_000);
});

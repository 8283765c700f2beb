import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clusterRoutes } from '../../../shared/admin/clusters/clusterRoutes';
import { healthRoutes } from '../../../shared/admin/health/healthRoutes';
import { jobWorkerRuntime } from '../../../shared/app/jobKinds';
import type { NodeReading } from '../../../shared/monitoring/collection/NodeReading';
import { MonitorStore } from '../../../shared/monitoring/collection/MonitorStore';
import { hotkeysRoutes } from '../../../shared/monitoring/hotkeys/hotkeysRoutes';
import type { ControlPlane } from '../../../shared/platform/controlPlane';
import { runJobChunk } from '../../../shared/platform/jobs/runJobChunk';
import { metricsHistoryTable } from '../../../shared/platform/metrics/metricsHistoryTable';
import { redisConnections } from '../../../shared/platform/redis/redisConnections';
import { callRoutes, testControlPlane } from '../../controlplane/api';
import { useOwnRedis } from '../../helpers/redis';
import { azuriteConnectionString } from '../../helpers/storage';
import { startSkewedLoad } from './skewedLoad';

// hot_node and hot_key in GET …/health come from the monitor's stored history and the latest radar job (both read
// through platform contracts: admin never imports monitoring).
const own = useOwnRedis();
let cp: ControlPlane;

beforeAll(async () => {
  process.env['AzureWebJobsStorage'] = azuriteConnectionString();
  cp = await testControlPlane();
  const res = await callRoutes(cp, clusterRoutes, { method: 'PUT', path: '/clusters/hs', params: { id: 'hs' }, body: { mode: 'standalone', endpoints: [{ host: own.server.host, port: own.server.port }], secretRef: { kind: 'none' } }, as: 'admin' });
  expect(res.status).toBe(201);
});
afterAll(() => redisConnections.closeAll());

const health = async () => (await callRoutes(cp, healthRoutes, { method: 'GET', path: '/clusters/hs/health', params: { id: 'hs' }, as: 'reader' })).json;
const codes = (h: { findings: Array<{ code: string }> }) => h.findings.map((f) => f.code);

describe('hot spots in cluster health', () => {
  it('no history and no radar: neither finding', async () => {
    const h = await health();
    expect(codes(h)).not.toContain('hot_node');
    expect(codes(h)).not.toContain('hot_key');
  });

  it('hot_node from the monitor history: a master at 3× the median over the last 15 minutes, with evidence and the fix', async () => {
    const table = metricsHistoryTable(cp.settings.tablePrefix);
    await table.createTable();
    const store = new MonitorStore(table, table);
    const now = Date.now();
    for (let t = 0; t < 5; t++) {
      const readings = ['10.0.0.1:6379', '10.0.0.2:6379', '10.0.0.3:6379'].map((node, i) => ({ node, role: 'master', shard: `id-${i}`, opsPerSec: i === 0 ? 6000 : 2000 }) as unknown as NodeReading);
      await store.appendHistory('hs', now - t * 60_000, readings);
    }
    const h = await health();
    const hot = h.findings.filter((f: { code: string }) => f.code === 'hot_node');
    expect(hot).toHaveLength(1);
    expect(hot[0]).toMatchObject({ severity: 'warning', redisCli: false, evidence: { node: '10.0.0.1:6379', meanOpsPerSec: 6000, medianOpsPerSec: 2000, samples: 5 } });
    expect(hot[0].fix).toMatch(/hotkeys.*rebalance/s);
    expect(h.verdict).not.toBe('ok');
  });

  it('hot_key from the latest succeeded radar job, naming it', async () => {
    const load = startSkewedLoad(own.server.port, [{ key: 'hot:health', share: 0.35, op: 'get' }]);
    const started = await callRoutes(cp, hotkeysRoutes, { method: 'POST', path: '/clusters/hs/hotkeys', params: { id: 'hs' }, body: { durationSeconds: 5, windowMs: 500, dutyCycle: 0.25, maxLatencyMs: null }, as: 'operator' });
    expect(started.status).toBe(202);
    const rt = await jobWorkerRuntime(cp);
    for (let i = 0; i < 50; i++) {
      const ran = await runJobChunk(started.json.jobId, { ...rt, log: () => undefined });
      if (ran.outcome !== 'ran' || ran.status !== 'running') break;
    }
    await load.stop();
    const h = await health();
    const hot = h.findings.filter((f: { code: string }) => f.code === 'hot_key');
    expect(hot).toHaveLength(1);
    expect(hot[0].message).toContain("key 'hot:health'");
    expect(hot[0].evidence).toMatchObject({ jobId: started.json.jobId, report: `/api/clusters/hs/hotkeys/${started.json.jobId}` });
  });
});

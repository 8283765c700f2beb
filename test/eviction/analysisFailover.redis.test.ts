import { Cluster, Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { analysisReportRoutes, analysisRoutes } from '../../shared/eviction/analysis/analysisRoutes';
import { clusterRoutes } from '../../shared/admin/clusters/clusterRoutes';
import { jobWorkerRuntime } from '../../shared/app/jobKinds';
import { jobRoutes } from '../../shared/platform/jobs/jobRoutes';
import { runJobChunk } from '../../shared/platform/jobs/runJobChunk';
import { redisConnections } from '../../shared/platform/redis/redisConnections';
import type { ControlPlane } from '../../shared/platform/controlPlane';
import { callRoutes, testControlPlane } from '../controlplane/api';
import { closeClient, useOwnCluster } from '../helpers/redis';
import { azuriteConnectionString } from '../helpers/storage';

// Own cluster: a master is killed mid-job.
const own = useOwnCluster({ masters: 3, replicasPerMaster: 1 });
let cp: ControlPlane;

beforeAll(async () => {
  process.env['AzureWebJobsStorage'] = azuriteConnectionString();
  cp = await testControlPlane();
  const res = await callRoutes(cp, clusterRoutes, { method: 'PUT', path: '/clusters/fo', params: { id: 'fo' }, body: { mode: 'cluster', endpoints: own.cluster.seeds, secretRef: { kind: 'none' } } });
  expect(res.status).toBe(201);
  const cluster = new Cluster(own.cluster.seeds);
  await Promise.all(Array.from({ length: 3000 }, (_, i) => cluster.set(`doc:${i}`, 'd'.repeat(100))));
  // Every write on the replicas before a master dies, so the promoted replica holds the same keys: WAIT, then
  // check it (a busy machine can lag past WAIT's timeout, and the test would then blame the analysis).
  await Promise.all(cluster.nodes('master').map((m) => m.call('WAIT', '1', '5000')));
  const deadline = Date.now() + 20_000;
  for (;;) {
    const masters = await Promise.all(cluster.nodes('master').map((m) => m.dbsize()));
    const replicas = await Promise.all(cluster.nodes('slave').map((r) => r.dbsize()));
    if (masters.reduce((a, b) => a + b, 0) === 3000 && replicas.reduce((a, b) => a + b, 0) === 3000) break;
    if (Date.now() > deadline) throw new Error(`replicas did not catch up: masters ${masters.join('/')} replicas ${replicas.join('/')}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  await closeClient(cluster);
});
afterAll(() => redisConnections.closeAll());

async function promotedAfter(killedPort: number): Promise<void> {
  const alive = own.cluster.nodes.filter((n) => n.port !== killedPort);
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    const probe = new Redis({ port: alive[0]?.port ?? 0, lazyConnect: true });
    try {
      await probe.connect();
      const info = String(await probe.call('CLUSTER', 'INFO'));
      const slots = (await probe.call('CLUSTER', 'SLOTS')) as [number, number, [string, number]][];
      if (info.includes('cluster_state:ok') && slots.every((s) => s[2][1] !== killedPort)) return;
    } catch {
      // not yet
    } finally {
      probe.disconnect();
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error('no replica was promoted');
}

it('exact: a master fails over mid-job; its shard starts over on the promoted replica and the counts stay exact', async () => {
  const start = await callRoutes(cp, analysisRoutes, { method: 'POST', path: '/clusters/fo/analysis', params: { id: 'fo' }, body: { mode: 'exact', maxKeysPerSecond: 400, scanCount: 50 }, as: 'operator' });
  expect(start.status).toBe(202);
  const jobId = start.json.jobId as string;
  const rt = await jobWorkerRuntime(cp);
  const deps = { ...rt, settings: { ...rt.settings, chunkBudgetMs: 1200, leaseGraceMs: 500 }, log: () => undefined };
  expect(await runJobChunk(jobId, deps)).toMatchObject({ outcome: 'ran', status: 'running' });

  const victim = own.cluster.masters[0];
  if (!victim) throw new Error('no master');
  process.kill(victim.pid, 'SIGKILL');
  await promotedAfter(victim.port);

  let last;
  for (let i = 0; i < 40; i++) {
    last = await runJobChunk(jobId, deps);
    if (last.outcome === 'ran' && last.status !== 'running') break;
    if (last.outcome === 'busy') await new Promise((r) => setTimeout(r, 600)); // the lease of a failed chunk runs out
  }
  expect(last).toMatchObject({ outcome: 'ran', status: 'succeeded' });
  const job = await callRoutes(cp, jobRoutes, { method: 'GET', path: `/jobs/${jobId}`, params: { id: jobId }, as: 'reader' });
  expect(job.json.progress.restarts).toBe(1);
  const report = await callRoutes(cp, analysisReportRoutes, { method: 'GET', path: `/clusters/fo/analysis/${jobId}`, params: { id: 'fo', jobId }, as: 'reader' });
  expect(report.status).toBe(200);
  expect(report.json.summary.namespaces.find((n: { namespace: string }) => n.namespace === 'doc:*').keys.value).toBe(3000);
}, 60_000);

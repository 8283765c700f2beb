import { performance } from 'node:perf_hooks';
import { HttpRequest, InvocationContext } from '@azure/functions';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedisExporter, type RedisExporter } from '../../bench/scenarios/monitorExporter';
import type { ClusterState } from '../../shared/monitoring/collection/MonitorStore';
import type { Monitoring } from '../../shared/monitoring/collection/openMonitoring';
import { runMonitorTick } from '../../shared/monitoring/collection/runMonitorTick';
import { exporterFamilies } from '../../shared/monitoring/prometheus/prometheusFamilies';
import { prometheusRoutesFor } from '../../shared/monitoring/prometheus/prometheusRoutes';
import { renderPrometheus } from '../../shared/monitoring/prometheus/renderPrometheus';
import type { ScrapeRow } from '../../shared/monitoring/prometheus/scrapeRow';
import { apiHandler } from '../../shared/platform/http/apiHandler';
import type { JobRecord } from '../../shared/platform/jobs/JobRecord';
import { useOwnRedis } from '../helpers/redis';
import { change, RedisConnectionManager, testMonitoring, tickDeps } from './fixtures';
import { parseExposition, select, type Series } from './promText';

// Own server: the parity needs counters nobody else moves. Our endpoint serves the state the real monitor tick
// stored in Azurite; the Debian exporter reads the same node live right after that tick.
const own = useOwnRedis({ args: ['--maxmemory', '2mb', '--maxmemory-policy', 'allkeys-lru'] });
const connections = new RedisConnectionManager();
const env = { MONITOR_INTERVAL_SECONDS: '60', MONITOR_NODE_TIMEOUT_MS: '2000' };
let m: Monitoring;
let exporter: RedisExporter;
let theirs: Map<string, number>;
let ours: Series[];
const node = () => `127.0.0.1:${own.server.port}`;

/** One scrape through the real route handler (no API key: the function key is the gate), the raw body. */
async function scrape(jobs: JobRecord[] = []): Promise<{ status: number; headers: Record<string, string>; body: string }> {
  const handler = apiHandler(prometheusRoutesFor(async () => m, async () => jobs), async () => m.cp);
  const res = await handler(new HttpRequest({ method: 'GET', url: 'http://localhost/api/metrics', headers: {} }), new InvocationContext({ invocationId: 'scrape' }));
  return { status: res.status, headers: res.headers, body: res.body ?? '' };
}

beforeAll(async () => {
  m = await testMonitoring({ env });
  const traffic = new Redis(own.server.url);
  for (let i = 0; i < 400; i++) await traffic.set(`prom:big:${i}`, 'x'.repeat(10_000)); // ~4 MB into 2 MB: evictions
  for (let i = 0; i < 50; i++) await traffic.set(`prom:ttl:${i}`, '1', 'PX', 1);
  await new Promise((r) => setTimeout(r, 20));
  for (let i = 0; i < 50; i++) await traffic.get(`prom:ttl:${i}`); // expired on access
  for (let i = 390; i < 400; i++) await traffic.get(`prom:big:${i}`); // hits
  await traffic.config('SET', 'maxmemory', '64mb'); // off the limit: no eviction between the two reads
  await traffic.select(3);
  await traffic.set('prom:db3', '1', 'EX', 600);
  traffic.disconnect();
  await m.cp.clusters.put('parity', { mode: 'standalone', endpoints: [{ host: '127.0.0.1', port: own.server.port }], tls: { enabled: false }, secretRef: { kind: 'none' } }, change);
  await m.alerts.rules.put('parity', { memory_high: { raiseAt: 0.001, forSeconds: 0 } }, change);
  exporter = await startRedisExporter(node());
  const result = await runMonitorTick(tickDeps(m, connections, env), 10_000);
  expect(result.clusters[0]?.readings[0]?.reachable).toBe(true);
  theirs = await exporter.scrape();
  const res = await scrape();
  expect(res.status).toBe(200);
  expect(res.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
  ours = parseExposition(res.body).series;
}, 60_000);

afterAll(async () => {
  await exporter?.stop();
  await connections.closeAll();
});

const one = (name: string, matchers: Record<string, string> = {}) => {
  const found = select(ours, name, { instance: node(), ...matchers });
  expect(found, `${name} ${JSON.stringify(matchers)}`).toHaveLength(1);
  return found[0]?.value as number;
};

describe('GET /api/metrics: Prometheus exposition from stored samples', () => {
  it('uses the exporter’s names for every overlapping family, which the exporter also serves for this node', () => {
    const exporterNames = new Set([...theirs.keys()].map((k) => k.replace(/\{.*$/, '')));
    const ourNames = new Set(ours.map((s) => s.name));
    for (const family of Object.values(exporterFamilies)) {
      if (family.name === 'redis_master_link_up') continue; // replicas only; this node is a master (as for the exporter)
      expect(ourNames.has(family.name), `ours: ${family.name}`).toBe(true);
      expect(exporterNames.has(family.name), `exporter: ${family.name}`).toBe(true);
    }
    // Everything else is ours and says so.
    for (const name of ourNames) expect(name.startsWith('rcm_') || Object.values(exporterFamilies).some((f) => f.name === name), name).toBe(true);
  });

  it('values agree with the exporter read right after the tick (equal where nothing moves, else within what the reads change)', () => {
    const t = (name: string) => theirs.get(name) ?? NaN;
    expect(t('redis_evicted_keys_total')).toBeGreaterThan(0);
    for (const name of ['redis_keyspace_hits_total', 'redis_keyspace_misses_total', 'redis_evicted_keys_total', 'redis_expired_keys_total', 'redis_memory_max_bytes', 'redis_rejected_connections_total']) {
      expect(one(name), name).toBe(t(name));
    }
    expect(one('redis_db_keys', { db: 'db0' })).toBe(t('redis_db_keys{db="db0"}'));
    expect(one('redis_db_keys', { db: 'db3' })).toBe(t('redis_db_keys{db="db3"}'));
    expect(one('redis_db_keys_expiring', { db: 'db3' })).toBe(t('redis_db_keys_expiring{db="db3"}'));
    expect(one('redis_connected_slaves')).toBe(t('redis_connected_slaves'));
    expect(one('redis_up')).toBe(t('redis_up'));
    // The exporter's connection is one more client and one more received connection than during our tick.
    expect(one('redis_connected_clients')).toBe(t('redis_connected_clients') - 1);
    expect(one('redis_connections_received_total')).toBe(t('redis_connections_received_total') - 1);
    const commandsGap = t('redis_commands_processed_total') - one('redis_commands_processed_total');
    expect(commandsGap).toBeGreaterThanOrEqual(1);
    expect(commandsGap).toBeLessThan(60);
    expect(Math.abs(t('redis_memory_used_bytes') - one('redis_memory_used_bytes'))).toBeLessThan(256 * 1024);
    expect(t('redis_uptime_in_seconds') - one('redis_uptime_in_seconds')).toBeGreaterThanOrEqual(0);
    expect(t('redis_uptime_in_seconds') - one('redis_uptime_in_seconds')).toBeLessThanOrEqual(60); // the sampling interval
    expect(t('redis_net_input_bytes_total')).toBeGreaterThan(one('redis_net_input_bytes_total'));
  });

  it('a Grafana-style query of redis_memory_used_bytes finds the node by its labels', () => {
    const hit = select(ours, 'redis_memory_used_bytes', { cluster: 'parity' });
    expect(hit).toEqual([{ name: 'redis_memory_used_bytes', labels: { instance: node(), cluster: 'parity', role: 'master', shard: 'standalone' }, value: expect.any(Number) }]);
    expect(hit[0]?.value).toBeGreaterThan(1024 * 1024);
    // A dashboard's `$instance` variable: label_values(redis_up, instance).
    expect(select(ours, 'redis_up').map((s) => s.labels['instance'])).toEqual([node()]);
  });

  it('adds the product’s own series: interval rates, the sample time, alerts firing by severity, active jobs', async () => {
    expect(one('rcm_node_rtt_seconds')).toBeGreaterThan(0);
    expect(one('rcm_node_rtt_seconds')).toBeLessThan(1);
    const at = select(ours, 'rcm_sample_timestamp_seconds', { cluster: 'parity' })[0]?.value ?? 0;
    expect(Math.abs(Date.now() / 1000 - at)).toBeLessThan(60);
    expect(select(ours, 'rcm_alerts_firing', { cluster: 'parity', severity: 'warning' })[0]?.value).toBe(1); // memory_high at raiseAt 0.001
    expect(select(ours, 'rcm_alerts_firing', { cluster: 'parity', severity: 'critical' })[0]?.value).toBe(0);
    expect(select(ours, 'rcm_node_hit_ratio')).toEqual([]); // first sample: no interval yet, so no ratio (a gap, not 0)
    const job = { id: 'job-p1', kind: 'invalidate', clusterId: 'parity', params: {}, status: 'running', progress: { scanned: 1200, deleted: 300 }, createdAt: '', updatedAt: '', chunks: 1, failedChunks: 0, cancelRequested: false } as unknown as JobRecord;
    const withJob = parseExposition((await scrape([job])).body).series;
    expect(select(withJob, 'rcm_job_progress', { job: 'job-p1', counter: 'deleted' })[0]?.value).toBe(300);
    expect(select(withJob, 'rcm_jobs_active', { cluster: 'parity', kind: 'invalidate', status: 'running' })[0]?.value).toBe(1);
  });

  it('leaves a cluster’s node series out once its last tick is too old (stale, not flat), keeping the sample time', async () => {
    const row = (await m.store.loadScrapeRows()).get('parity') as ScrapeRow;
    const text = renderPrometheus([{ clusterId: 'parity', row, alerts: [] }], [], { now: row.at + 301_000, maxSampleAgeMs: 300_000 });
    const series = parseExposition(text).series;
    expect(select(series, 'redis_up')).toEqual([]);
    expect(select(series, 'rcm_sample_timestamp_seconds', { cluster: 'parity' })).toHaveLength(1);
  });

  it('escapes label values and never prints an unknown value as 0', () => {
    const row: ScrapeRow = { at: 1000, nodes: [{ node: 'a"b\\c:1', role: 'master', shard: 'x\ny', up: 0 }] };
    const series = parseExposition(renderPrometheus([{ clusterId: 'q', row, alerts: [] }], [], { now: 1000, maxSampleAgeMs: 1000 })).series;
    expect(select(series, 'redis_up')).toEqual([{ name: 'redis_up', labels: { instance: 'a"b\\c:1', cluster: 'q', role: 'master', shard: 'x\ny' }, value: 0 }]);
    expect(select(series, 'redis_memory_used_bytes')).toEqual([]);
  });

  it('serves 100 nodes within 50 ms per scrape (Table Storage reads included)', async () => {
    // 10 clusters of 10 nodes, each node a copy of the real sample and reading under its own address.
    const base = (await m.store.loadState('parity')) as ClusterState;
    for (let c = 0; c < 10; c++) {
      const id = `fleet-${c}`;
      await m.cp.clusters.put(id, { mode: 'cluster', endpoints: [{ host: '10.1.0.1', port: 6379 }], tls: { enabled: false }, secretRef: { kind: 'none' } }, change);
      const names = Array.from({ length: 10 }, (_, n) => `10.1.${c}.${n}:6379`);
      await m.store.saveState(id, {
        at: Date.now(),
        samples: names.map((name) => ({ ...(base.samples[0] as ClusterState['samples'][number]), node: name })),
        readings: names.map((name, n) => ({ ...(base.readings[0] as ClusterState['readings'][number]), clusterId: id, node: name, role: n % 2 ? 'replica' : 'master' })),
      });
    }
    // Wall time on a shared 2-core machine mostly measures the other processes; so the bound is held by the fastest
    // of the scrapes (an upper bound of the uncontended time) and by our own CPU per scrape, and the median is logged.
    const wall: number[] = [];
    const cpu: number[] = [];
    let last = '';
    for (let i = 0; i < 15; i++) {
      const started = performance.now();
      const cpuBefore = process.cpuUsage();
      last = (await scrape()).body;
      const used = process.cpuUsage(cpuBefore);
      wall.push(performance.now() - started);
      cpu.push((used.user + used.system) / 1000);
    }
    const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);
    const [w, c] = [sorted(wall), sorted(cpu)];
    const median = (xs: number[]) => xs[Math.floor(xs.length / 2)] as number;
    console.log(`[prometheus] 101 nodes, ${last.length} bytes, ${last.split('\n').length} lines: wall median ${median(w).toFixed(1)} ms (min ${w[0]?.toFixed(1)}, max ${w.at(-1)?.toFixed(1)}), our CPU median ${median(c).toFixed(1)} ms`);
    expect(w[0]).toBeLessThan(50);
    expect(median(c)).toBeLessThan(25);
    expect(select(parseExposition(last).series, 'redis_up')).toHaveLength(101);
  });
});

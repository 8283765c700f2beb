import { HttpRequest, InvocationContext } from '@azure/functions';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { healthRoutes } from '../../shared/admin/health/healthRoutes';
import { healthSnapshotTick } from '../../shared/admin/health/healthSnapshotTick';
import { fullClusterHealth } from '../../shared/admin/health/fullClusterHealth';
import type { AlertState } from '../../shared/monitoring/alerts/AlertState';
import type { Monitoring } from '../../shared/monitoring/collection/openMonitoring';
import { prometheusRoutesFor } from '../../shared/monitoring/prometheus/prometheusRoutes';
import { renderPrometheus } from '../../shared/monitoring/prometheus/renderPrometheus';
import { apiHandler } from '../../shared/platform/http/apiHandler';
import { callRoutes } from '../controlplane/api';
import { azuriteConnectionString } from '../helpers/storage';
import { useOwnRedis } from '../helpers/redis';
import { change, testMonitoring } from './fixtures';
import { parseExposition, select } from './promText';

// Findings by severity and code in the scrape, from what the healthSnapshot timer recorded (never a health check per
// scrape). Own server without maxmemory, so it has findings of its own; a second cluster that does not answer.
const own = useOwnRedis();
let m: Monitoring;

async function scrape(): Promise<string> {
  const handler = apiHandler(prometheusRoutesFor(async () => m, async () => []), async () => m.cp);
  const res = await handler(new HttpRequest({ method: 'GET', url: 'http://localhost/api/metrics', headers: {} }), new InvocationContext({ invocationId: 'scrape' }));
  expect(res.status).toBe(200);
  return res.body ?? '';
}

beforeAll(async () => {
  // The findings table is opened from the app settings, as in the function app.
  process.env['AzureWebJobsStorage'] = azuriteConnectionString();
  m = await testMonitoring();
  await m.cp.clusters.put('plain', { mode: 'standalone', endpoints: [{ host: '127.0.0.1', port: own.server.port }], tls: { enabled: false }, secretRef: { kind: 'none' } }, change);
  await m.cp.clusters.put('gone', { mode: 'standalone', endpoints: [{ host: '127.0.0.1', port: 1 }], tls: { enabled: false }, secretRef: { kind: 'none' } }, change);
}, 60_000);

afterAll(() => {
  delete process.env['AzureWebJobsStorage'];
});

describe('health findings in the Prometheus scrape', () => {
  it('before any snapshot there are none, and the family is still declared', async () => {
    const { series, types } = parseExposition(await scrape());
    expect(types.get('rcm_health_findings')).toBe('gauge');
    expect(select(series, 'rcm_health_findings')).toEqual([]);
  });

  it('exposes the recorded findings by cluster, severity and code, and an unreachable cluster as cluster_unreachable', async () => {
    const lines: string[] = [];
    const result = await healthSnapshotTick(m.cp, (l) => lines.push(l));
    expect(result).toEqual({ clusters: 2, recorded: 1, unreachable: 1, failed: 0 });
    const report = await fullClusterHealth(m.cp, await m.cp.clusters.get('plain'));
    expect(report.findings.length).toBeGreaterThan(0);
    const expected = new Map<string, number>();
    for (const f of report.findings) expected.set(`${f.severity}/${f.code}`, (expected.get(`${f.severity}/${f.code}`) ?? 0) + 1);

    const { series } = parseExposition(await scrape());
    const plain = select(series, 'rcm_health_findings', { cluster: 'plain' });
    expect(new Map(plain.map((s) => [`${s.labels['severity']}/${s.labels['code']}`, s.value]))).toEqual(expected);
    expect([...expected.keys()].filter((k) => k.endsWith('/maxmemory_not_set'))).toHaveLength(1);
    expect(select(series, 'rcm_health_findings', { cluster: 'gone' }).map((s) => [s.labels['severity'], s.labels['code'], s.value])).toEqual([['error', 'cluster_unreachable', 1]]);
    const checked = select(series, 'rcm_health_checked_timestamp_seconds', { cluster: 'plain' })[0]?.value ?? 0;
    expect(Math.abs(checked - Date.now() / 1000)).toBeLessThan(120);
  });

  it('a GET …/health records its findings too (fresher than the next snapshot)', async () => {
    await m.cp.clusters.put('fresh', { mode: 'standalone', endpoints: [{ host: '127.0.0.1', port: own.server.port }], tls: { enabled: false }, secretRef: { kind: 'none' } }, change);
    expect(select(parseExposition(await scrape()).series, 'rcm_health_findings', { cluster: 'fresh' })).toEqual([]);
    const got = await callRoutes(m.cp, healthRoutes, { method: 'GET', path: '/clusters/fresh/health', params: { id: 'fresh' }, as: 'reader' });
    expect(got.status).toBe(200);
    const codes = select(parseExposition(await scrape()).series, 'rcm_health_findings', { cluster: 'fresh' }).map((s) => s.labels['code']);
    expect(codes.sort()).toEqual([...new Set((got.json.findings as { code: string }[]).map((f) => f.code))].sort());
  });

  it('a scrape sends the cache no command (it reads what was recorded)', async () => {
    const probe = new Redis(own.server.url);
    try {
      const processed = async () => Number(/total_commands_processed:(\d+)/.exec(await probe.info('stats'))?.[1]);
      const before = await processed();
      await scrape();
      await scrape();
      // Only our own INFO calls: the second read counts the first.
      expect((await processed()) - before).toBe(1);
    } finally {
      probe.disconnect();
    }
  });
});

describe('rendering', () => {
  const base = { now: Date.parse('2026-12-01T12:00:00Z'), maxSampleAgeMs: 300_000, maxFindingsAgeMs: 15 * 60_000 };
  const findings = (ageMs: number) => ({ clusterId: 'c', checkedAt: base.now - ageMs, verdict: 'error', counts: [['error', 'slots_not_covered', 1], ['warning', 'master_without_replica', 3]] as [string, string, number][] });

  it('leaves out findings older than the bound (stale, not flat) but keeps when they were checked', () => {
    const fresh = parseExposition(renderPrometheus([{ clusterId: 'c', row: undefined, alerts: [], findings: findings(60_000) }], [], base)).series;
    expect(select(fresh, 'rcm_health_findings').map((s) => s.value)).toEqual([1, 3]);
    const stale = parseExposition(renderPrometheus([{ clusterId: 'c', row: undefined, alerts: [], findings: findings(16 * 60_000) }], [], base)).series;
    expect(select(stale, 'rcm_health_findings')).toEqual([]);
    expect(select(stale, 'rcm_health_checked_timestamp_seconds')[0]?.value).toBe(Math.floor((base.now - 16 * 60_000) / 1000));
  });

  it('counts firing incidents by rule (alert type) and severity; pending ones are not firing', () => {
    const alert = (rule: string, node: string, status: 'firing' | 'pending'): AlertState => ({
      rule, metric: 'used_memory_ratio', severity: 'warning', node, status, since: 0, alertId: status === 'firing' ? `${rule}-${node}` : null, raisedAt: 0, announced: true, value: 1, threshold: 0.9, lastSeen: 0,
    });
    const alerts = [alert('memory_high', 'a:1', 'firing'), alert('memory_high', 'b:1', 'firing'), alert('memory_high', 'c:1', 'pending'), alert('hit_ratio_low', 'a:1', 'firing')];
    const series = parseExposition(renderPrometheus([{ clusterId: 'c', row: undefined, alerts }], [], base)).series;
    expect(select(series, 'rcm_alert_rule_firing').map((s) => [s.labels['rule'], s.labels['severity'], s.value])).toEqual([['memory_high', 'warning', 2], ['hit_ratio_low', 'warning', 1]]);
  });
});

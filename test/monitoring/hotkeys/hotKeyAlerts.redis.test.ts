import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clusterRoutes } from '../../../shared/admin/clusters/clusterRoutes';
import { jobWorkerRuntime } from '../../../shared/app/jobKinds';
import { defaultAlertRules } from '../../../shared/monitoring/alerts/alertRules';
import type { AlertState } from '../../../shared/monitoring/alerts/AlertState';
import { evaluateAlerts } from '../../../shared/monitoring/alerts/evaluateAlerts';
import { hotkeysRoutes } from '../../../shared/monitoring/hotkeys/hotkeysRoutes';
import type { ControlPlane } from '../../../shared/platform/controlPlane';
import { runJobChunk } from '../../../shared/platform/jobs/runJobChunk';
import { redisConnections } from '../../../shared/platform/redis/redisConnections';
import { clusterStreamId } from '../../../shared/platform/store/streamId';
import { callRoutes, testControlPlane } from '../../controlplane/api';
import { useOwnRedis } from '../../helpers/redis';
import { azuriteConnectionString } from '../../helpers/storage';
import { reading } from '../readings';
import { startSkewedLoad, type Planted } from './skewedLoad';

// The hot_key alert: raised when a finished radar finds a key above the rule's share, resolved by a later radar
// that does not; monitor ticks in between leave it alone.
const own = useOwnRedis();
let cp: ControlPlane;

beforeAll(async () => {
  process.env['AzureWebJobsStorage'] = azuriteConnectionString();
  cp = await testControlPlane();
  const res = await callRoutes(cp, clusterRoutes, { method: 'PUT', path: '/clusters/ha', params: { id: 'ha' }, body: { mode: 'standalone', endpoints: [{ host: own.server.host, port: own.server.port }], secretRef: { kind: 'none' } }, as: 'admin' });
  expect(res.status).toBe(201);
});
afterAll(() => redisConnections.closeAll());

async function radar(planted: Planted[]): Promise<string> {
  const load = startSkewedLoad(own.server.port, planted);
  const started = await callRoutes(cp, hotkeysRoutes, { method: 'POST', path: '/clusters/ha/hotkeys', params: { id: 'ha' }, body: { durationSeconds: 5, windowMs: 500, dutyCycle: 0.25, maxLatencyMs: null }, as: 'operator' });
  expect(started.status).toBe(202);
  const rt = await jobWorkerRuntime(cp);
  let status = 'running';
  for (let i = 0; i < 50 && status === 'running'; i++) {
    const ran = await runJobChunk(started.json.jobId, { ...rt, log: () => undefined });
    status = ran.outcome === 'ran' ? ran.status : ran.outcome;
  }
  await load.stop();
  expect(status).toBe('succeeded');
  return started.json.jobId as string;
}

const alertEvents = async () => (await cp.store.read(clusterStreamId('ha'))).filter((e) => e.type.startsWith('RedisClusterManager.Alert.')).map((e): Record<string, unknown> => ({ type: e.type.split('.').pop(), ...(e.data as Record<string, unknown>) }));

describe('hot_key alert', () => {
  it('a radar raises it once for the key above 10 %, none for a warm key; a later radar without it resolves it', async () => {
    await radar([{ key: 'hot:alert', share: 0.35, op: 'get' }, { key: 'warm:key', share: 0.02, op: 'get' }]);
    let events = await alertEvents();
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: 'Raised', rule: 'hot_key', metric: 'hot_key_share', key: 'hot:alert', node: `${own.server.host}:${own.server.port}`, threshold: 0.1, severity: 'warning' });
    expect(events[0]?.['value']).toBeGreaterThan(0.25);

    await radar([{ key: 'hot:alert', share: 0.35, op: 'get' }]); // still hot: no second raise
    expect(await alertEvents()).toHaveLength(1);

    await radar([]); // the key cooled down
    events = await alertEvents();
    expect(events.map((e) => e.type)).toEqual(['Raised', 'Resolved']);
    expect(events[1]).toMatchObject({ rule: 'hot_key', key: 'hot:alert', alertId: events[0]?.['alertId'] });
  }, 90_000);

  it('a monitor tick keeps hot-key states as they are (only a radar knows hot keys)', () => {
    const firing: AlertState = { rule: 'hot_key', metric: 'hot_key_share', severity: 'warning', node: '127.0.0.1:6379', status: 'firing', since: 1, alertId: 'a', raisedAt: 1, announced: true, value: 0.3, threshold: 0.1, lastSeen: 1, subject: { key: 'k' }, subjectId: 'x' };
    const d = evaluateAlerts('c1', [reading({})], defaultAlertRules, new Map([['hot_key~127.0.0.1:6379~x', firing]]), 10_000);
    expect(d.deletes.has('hot_key~127.0.0.1:6379~x')).toBe(false);
    expect(d.resolve).toEqual([]);
  });
});

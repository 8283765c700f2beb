import { describe, expect, it } from 'vitest';
import { AlertRuleStore } from '../../shared/monitoring/alerts/AlertRuleStore';
import { alertRuleRoutesFor } from '../../shared/monitoring/alerts/alertRoutes';
import { clusterEventRoutes } from '../../shared/admin/clusters/clusterEventRoutes';
import { openMonitoring } from '../../shared/monitoring/collection/openMonitoring';
import { openControlPlane } from '../../shared/platform/controlPlane';
import { storageTarget, tableClient } from '../../shared/platform/storage/storageClients';
import { callRoutes, sampleCluster, testSettings } from '../controlplane/api';

// Alert-rule overrides are an admin change like any other: recorded as `Alert.RulesChanged` in the cluster's stream
// (the audit log), versioned on their own, against real Azurite tables through the real route table.

const quiet = { warn: () => {}, error: () => {} };

async function setUp(clusterId = 'shop') {
  const settings = testSettings();
  const cp = await openControlPlane(settings, { publisher: null, log: quiet });
  const m = await openMonitoring(settings, cp, {});
  const routes = alertRuleRoutesFor(async () => m);
  await cp.clusters.put(clusterId, sampleCluster as never, { principal: { id: 'ada', kind: 'api-key', role: 'admin' }, correlationId: 'setup' });
  const rules = (method: 'GET' | 'PUT', body?: unknown, headers: Record<string, string> = {}, as: 'admin' | 'operator' | 'reader' = 'operator') =>
    callRoutes(cp, routes, { method, path: `/clusters/${clusterId}/alert-rules`, params: { id: clusterId }, body, headers, as });
  const audit = async () => (await callRoutes(cp, clusterEventRoutes, { method: 'GET', path: `/clusters/${clusterId}/events`, params: { id: clusterId }, as: 'reader' })).json.items as { type: string; principal: { id: string }; data: Record<string, unknown> }[];
  return { cp, settings, rules, audit };
}

describe('alert-rule overrides in the event store', () => {
  it('a change is an Alert.RulesChanged event in the audit log, with its own version, and leaves the registration ETag alone', async () => {
    const { cp, rules, audit } = await setUp();
    const before = await cp.clusters.get('shop');
    const put = await rules('PUT', { rules: { memory_high: { raiseAt: 0.8, forSeconds: 0 } } });
    expect(put.status).toBe(200);
    expect(put.json).toMatchObject({ version: 1, overrides: { memory_high: { raiseAt: 0.8, forSeconds: 0 } }, updatedBy: 'otto' });
    expect(put.json.history[0]).toMatchObject({ version: 1, by: 'otto' });
    expect(put.json.rules.find((r: { id: string }) => r.id === 'memory_high')).toMatchObject({ raiseAt: 0.8, forSeconds: 0 });

    const newest = (await audit())[0];
    expect(newest).toMatchObject({ type: 'RedisClusterManager.Alert.RulesChanged', principal: { id: 'otto' }, data: { clusterId: 'shop', version: 1, overrides: { memory_high: { raiseAt: 0.8, forSeconds: 0 } } } });
    expect((await cp.clusters.get('shop')).version).toBe(before.version);

    const second = await rules('PUT', { rules: { slowlog_growth: { enabled: false } } }, { 'if-match': '"1"' });
    expect(second.json).toMatchObject({ version: 2, overrides: { slowlog_growth: { enabled: false } } });
    expect(second.json.history.map((h: { version: number }) => h.version)).toEqual([2, 1]);
    expect((await rules('PUT', { rules: {} }, { 'if-match': '"1"' })).status).toBe(412);
    expect((await rules('GET')).json.version).toBe(2);
  });

  it('eight writers with the same If-Match: exactly one lands, the others get 412 and record nothing', async () => {
    const { rules, audit } = await setUp();
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => rules('PUT', { rules: { rtt_high: { raiseAt: 60 + i } } }, { 'if-match': '"0"' })));
    expect(results.map((r) => r.status).sort()).toEqual([200, 412, 412, 412, 412, 412, 412, 412]);
    expect((await audit()).filter((e) => e.type === 'RedisClusterManager.Alert.RulesChanged')).toHaveLength(1);
  });

  it('a reader cannot change them, an inverted hysteresis is refused, and neither records anything', async () => {
    const { rules, audit } = await setUp();
    expect((await rules('PUT', { rules: {} }, {}, 'reader')).status).toBe(403);
    const inverted = await rules('PUT', { rules: { hit_ratio_low: { raiseAt: 0.9, clearAt: 0.5 } } });
    expect([inverted.status, inverted.json.errors[0].field]).toEqual([400, 'body.rules.hit_ratio_low.clearAt']);
    expect((await audit()).some((e) => e.type === 'RedisClusterManager.Alert.RulesChanged')).toBe(false);
  });

  it('removing the cluster removes its overrides: registered again, it starts from the defaults', async () => {
    const { cp, rules } = await setUp();
    await rules('PUT', { rules: { memory_high: { raiseAt: 0.5 } } });
    const ada = { principal: { id: 'ada', kind: 'api-key' as const, role: 'admin' as const }, correlationId: 'rm' };
    await cp.clusters.remove('shop', ada);
    await cp.clusters.put('shop', sampleCluster as never, ada);
    expect((await rules('GET')).json).toMatchObject({ version: 0, overrides: {}, history: [] });
  });

  it('overrides kept in the alertrules table by earlier releases are carried over once, as a system event naming who made them', async () => {
    const { cp, settings, audit } = await setUp();
    const legacy = tableClient(storageTarget(settings), `${settings.STATE_TABLE_PREFIX}alertrules`);
    await legacy.createTable().catch(() => undefined);
    await legacy.createEntity({ partitionKey: 'shop', rowKey: 'current', version: 3, overrides: JSON.stringify({ memory_high: { raiseAt: 0.7 } }), updatedAt: '2026-11-02T10:00:00.000Z', updatedBy: 'api-key:otto' });

    const store = new AlertRuleStore(cp.streams, legacy);
    expect((await store.rules('shop')).find((r) => r.id === 'memory_high')).toMatchObject({ raiseAt: 0.7 });
    const after = await store.get('shop');
    expect(after).toMatchObject({ version: 3, updatedAt: '2026-11-02T10:00:00.000Z', updatedBy: 'api-key:otto' });
    const migrated = (await audit()).filter((e) => e.type === 'RedisClusterManager.Alert.RulesChanged');
    expect(migrated).toHaveLength(1);
    expect(migrated[0]).toMatchObject({ principal: { id: 'redis-cluster-manager' }, data: { version: 3, migratedFrom: { updatedBy: 'api-key:otto' } } });

    // A second process carries nothing over again; the next change continues the version.
    const other = new AlertRuleStore(cp.streams, legacy);
    const next = await other.put('shop', { memory_high: { raiseAt: 0.75 } }, { principal: { id: 'otto', kind: 'api-key', role: 'operator' }, correlationId: 'c' }, 3);
    expect(next.version).toBe(4);
    expect((await audit()).filter((e) => e.type === 'RedisClusterManager.Alert.RulesChanged')).toHaveLength(2);
  });
});

describe('what an override may say', () => {
  it('thresholds outside their metric are refused with the field, and nothing is recorded', async () => {
    const { rules, audit } = await setUp();
    const negative = await rules('PUT', { rules: { hot_key: { raiseAt: -1 } } });
    expect([negative.status, negative.json.code]).toEqual([400, 'validation_failed']);
    expect(negative.json.errors.map((e: { field: string }) => e.field)).toEqual(['body.rules.hot_key.raiseAt']);
    const share = await rules('PUT', { rules: { memory_high: { raiseAt: 7, clearAt: 6 } } });
    expect([share.status, share.json.errors[0].field]).toEqual([400, 'body.rules.memory_high.raiseAt']);
    expect((await rules('PUT', { rules: { rtt_high: { raiseAt: 5000, clearAt: 100 } } })).status).toBe(200);
    // A raise threshold alone keeps the default gap, clamped to the metric: memory_high at 0.001 clears at 0.
    const low = await rules('PUT', { rules: { memory_high: { raiseAt: 0.001 } } });
    expect(low.json.rules.find((r: { id: string }) => r.id === 'memory_high')).toMatchObject({ raiseAt: 0.001, clearAt: 0 });
    expect((await audit()).filter((e) => e.type === 'RedisClusterManager.Alert.RulesChanged')).toHaveLength(2);
  });

  it('turning off or downgrading a critical rule needs an admin; an operator may keep what an admin set', async () => {
    const { rules } = await setUp();
    const off = await rules('PUT', { rules: { node_unreachable: { enabled: false } } });
    expect([off.status, off.json.code]).toEqual([403, 'forbidden']);
    expect(off.json.detail).toContain('node_unreachable');
    expect((await rules('PUT', { rules: { cluster_state_fail: { severity: 'warning' } } })).status).toBe(403);
    expect((await rules('GET')).json.version).toBe(0);
    // Tuning a critical rule's timing is an operator's job.
    expect((await rules('PUT', { rules: { node_unreachable: { forSeconds: 30 } } })).status).toBe(200);
    // An admin silences one; an operator's later change that keeps it silenced is fine, re-enabling too.
    expect((await rules('PUT', { rules: { pubsub_buffer_near_limit: { enabled: false } } }, {}, 'admin')).status).toBe(200);
    expect((await rules('PUT', { rules: { pubsub_buffer_near_limit: { enabled: false }, rtt_high: { raiseAt: 80 } } })).status).toBe(200);
    expect((await rules('PUT', { rules: {} })).status).toBe(200);
  });
});

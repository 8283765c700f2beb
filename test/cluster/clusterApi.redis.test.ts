import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { healthRoutes } from '../../shared/admin/health/healthRoutes';
import { clusterRoutes } from '../../shared/admin/clusters/clusterRoutes';
import { keyRoutes } from '../../shared/admin/keys/keyRoutes';
import { redisConnections } from '../../shared/platform/redis/redisConnections';
import type { ControlPlane } from '../../shared/platform/controlPlane';
import { topologyRoutes } from '../../shared/admin/topology/topologyRoutes';
import { freePort } from '../../tools/local/index';
import { callRoutes, testControlPlane } from '../controlplane/api';
import { connectCluster, connectStandalone, keyPrefix } from '../helpers/redis';

/**
 * Topology, health and key inspection through the HTTP toolkit the functions use (real `HttpRequest` and
 * `InvocationContext`, the control plane on Azurite), against registered test servers.
 */
let cp: ControlPlane;

beforeAll(async () => {
  cp = await testControlPlane();
  const standalone = inject('redisStandalone');
  await register('api-standalone', { mode: 'standalone', endpoints: [{ host: standalone.host, port: standalone.port }] });
  await register('api-cluster', { mode: 'cluster', endpoints: inject('redisCluster').seeds });
  await register('api-dead', { mode: 'standalone', endpoints: [{ host: '127.0.0.1', port: await freePort() }] });
});
afterAll(() => redisConnections.closeAll());

async function register(id: string, spec: Record<string, unknown>): Promise<void> {
  const r = await callRoutes(cp, clusterRoutes, { method: 'PUT', path: `/clusters/${id}`, params: { id }, body: { ...spec, secretRef: { kind: 'none' } } });
  if (r.status !== 201) throw new Error(`register ${id}: ${r.status} ${JSON.stringify(r.json)}`);
}

const get = (routes: typeof keyRoutes, params: Record<string, string>, query = '') =>
  callRoutes(cp, routes, { method: 'GET', path: `/clusters/${params['id'] ?? ''}/x${query}`, params, as: 'reader' });

describe('cluster inspection API', () => {
  it('serves topology and health of a registered cluster', async () => {
    const topology = await get(topologyRoutes, { id: 'api-cluster' });
    expect(topology.status).toBe(200);
    expect(topology.json.nodes).toHaveLength(6);
    const health = await get(healthRoutes, { id: 'api-cluster' });
    expect(health.status).toBe(200);
    expect(health.json).toMatchObject({ clusterId: 'api-cluster', mode: 'cluster', verdict: 'ok', redisCliVerdict: 'ok' });
  });

  it('inspects keys by name and base64url, 404 for a missing one, 400 for an invalid one', async () => {
    const prefix = keyPrefix();
    const key = `${prefix}user 42:profile`;
    await connectCluster().set(key, 'v', 'EX', 100);
    const found = await get(keyRoutes, { id: 'api-cluster', key });
    expect(found.status).toBe(200);
    expect(found.json).toMatchObject({ key, type: 'string', encoding: 'embstr' });
    expect(found.json.ttlMs).toBeGreaterThan(90_000);

    const binary = Buffer.concat([Buffer.from(prefix), Buffer.from([0xc3, 0x28, 0x2f])]);
    await connectStandalone().set(binary, 'b');
    const byBase64 = await get(keyRoutes, { id: 'api-standalone', key: binary.toString('base64url') }, '?keyEncoding=base64');
    expect(byBase64.json).toMatchObject({ keyEncoding: 'base64', key: binary.toString('base64'), type: 'string', ttlMs: null });

    const missing = await get(keyRoutes, { id: 'api-standalone', key: `${prefix}missing` });
    expect([missing.status, missing.json.code]).toEqual([404, 'key_not_found']);
    const tooLong = await get(keyRoutes, { id: 'api-standalone', key: 'k'.repeat(1025) });
    expect([tooLong.status, tooLong.json.code, tooLong.json.errors?.[0]?.field]).toEqual([400, 'invalid_key', 'key']);
    const badEncoding = await get(keyRoutes, { id: 'api-standalone', key: 'abc' }, '?keyEncoding=hex');
    expect([badEncoding.status, badEncoding.json.code]).toEqual([400, 'invalid_key_encoding']);
  });

  it('answers 404 for an unknown cluster', async () => {
    for (const routes of [topologyRoutes, healthRoutes, keyRoutes]) {
      const r = await get(routes, { id: 'nope', key: 'k' });
      expect(r.status).toBe(404);
    }
  });

  it('answers an unreachable cluster with a fast 503 carrying the circuit state, then fails fast with the circuit open', async () => {
    const started = Date.now();
    const seen: { status: number; code: string; state: string }[] = [];
    for (let i = 0; i < 4; i++) {
      const r = await get(healthRoutes, { id: 'api-dead' });
      seen.push({ status: r.status, code: r.json.code, state: r.json.circuit?.state });
      if (i === 3) expect(Number(r.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect(JSON.stringify(r.json)).not.toMatch(/stack|at .*\.ts/);
    }
    expect(Date.now() - started).toBeLessThan(2000);
    expect(seen).toEqual([
      { status: 503, code: 'redis_unavailable', state: 'closed' },
      { status: 503, code: 'redis_unavailable', state: 'closed' },
      { status: 503, code: 'redis_unavailable', state: 'open' },
      { status: 503, code: 'redis_circuit_open', state: 'open' },
    ]);
    expect((await get(topologyRoutes, { id: 'api-dead' })).json.code).toBe('redis_circuit_open');
  });
});

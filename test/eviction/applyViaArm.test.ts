import type { TokenCredential } from '@azure/core-auth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClusterSpec } from '../../shared/platform/registry/clusterSpec';
import { applyEvictionPolicy } from '../../shared/eviction/policy/applyEvictionPolicy';
import type { ControlPlane } from '../../shared/platform/controlPlane';
import { clusterStreamId } from '../../shared/platform/store/streamId';
import { testControlPlane } from '../controlplane/api';
import { startLocalArmStandIn, type LocalArmStandIn } from './localArmStandIn';

const sub = '00000000-1111-2222-3333-444444444444';
const cacheId = `/subscriptions/${sub}/resourceGroups/rg-cache/providers/Microsoft.Cache/redis/orders-cache`;
const amrId = `/subscriptions/${sub}/resourceGroups/rg-cache/providers/Microsoft.Cache/redisEnterprise/orders-amr`;
/** A fixed-token credential: a test double for Entra ID, which the ARM stand-in checks. */
const credential: TokenCredential = { getToken: async () => ({ token: 'arm-test-token', expiresOnTimestamp: Date.now() + 3_600_000 }) };
const change = { principal: { id: 'ada', kind: 'api-key' as const, role: 'admin' as const }, correlationId: 'corr-arm-1' };

let arm: LocalArmStandIn;
let cp: ControlPlane;

beforeAll(async () => {
  [arm, cp] = await Promise.all([startLocalArmStandIn(), testControlPlane()]);
});
afterAll(() => arm.close());

const options = () => ({ credential, armEndpoint: arm.endpoint, armPollIntervalMs: 10, armClientOptions: { tlsOptions: { ca: arm.ca } } });

async function register(id: string, mode: ClusterSpec['mode'], azureResourceId?: string) {
  const spec: ClusterSpec = { mode, endpoints: [{ host: 'orders.redis.cache.windows.net', port: 6380 }], tls: { enabled: true }, secretRef: { kind: 'entra' }, ...(azureResourceId ? { azureResourceId } : {}) };
  return (await cp.clusters.put(id, spec, change)).cluster;
}

describe('eviction policy through Azure Resource Manager (real SDK clients, local ARM stand-in)', () => {
  it('Azure Cache for Redis: GET, PATCH redisConfiguration maxmemory-policy + maxmemory-reserved, poll, GET back; audited', async () => {
    arm.resources.set(cacheId, { id: cacheId, name: 'orders-cache', location: 'westeurope', properties: { provisioningState: 'Succeeded', redisConfiguration: { 'maxmemory-policy': 'volatile-lru', 'maxmemory-reserved': '125' } } });
    const cluster = await register('arm-cache', 'azure-cache-for-redis', cacheId);
    const from = arm.requests.length;
    const result = await applyEvictionPolicy(cluster, [], { policy: 'allkeys-lfu', maxmemoryReservedMb: 250 }, cp.streams, change, options());

    expect(result).toMatchObject({ method: 'arm', previous: 'volatile-lru', applied: 'allkeys-lfu', verified: true, maxmemoryReservedMb: 250 });
    expect(result.nodes).toEqual([{ node: cacheId, role: 'arm-resource', before: 'volatile-lru', after: 'allkeys-lfu', verified: true }]);
    const sent = arm.requests.slice(from);
    // Read before, PATCH, the SDK polls Azure-AsyncOperation until Succeeded, read back.
    const lines = sent.map((r) => `${r.method} ${r.path}`);
    expect(lines.slice(0, 2)).toEqual([`GET ${cacheId}`, `PATCH ${cacheId}`]);
    expect(lines.filter((l) => l === 'GET /operations/op-1').length).toBeGreaterThanOrEqual(2);
    expect(lines.at(-1)).toBe(`GET ${cacheId}`);
    expect(lines.filter((l) => l.startsWith('PATCH')).length).toBe(1);
    const patch = sent[1];
    expect(patch?.apiVersion).toBe('2024-11-01');
    expect(patch?.authorization).toBe('Bearer arm-test-token');
    expect(patch?.body).toEqual({ properties: { redisConfiguration: { 'maxmemory-policy': 'allkeys-lfu', 'maxmemory-reserved': '250' } } });
    expect(sent.every((r) => r.authorization === 'Bearer arm-test-token')).toBe(true);

    const [event] = (await cp.store.read(clusterStreamId('arm-cache'))).filter((e) => e.type === 'RedisClusterManager.Eviction.PolicyApplied');
    expect(event?.principal.id).toBe('ada');
    expect(event?.correlationId).toBe('corr-arm-1');
    expect(event?.data).toMatchObject({ previous: 'volatile-lru', applied: 'allkeys-lfu', method: 'arm', maxmemoryReservedMb: 250, forced: false });
  });

  it('Azure Managed Redis: the default database evictionPolicy in PascalCase, as a long-running operation', async () => {
    const dbId = `${amrId}/databases/default`;
    arm.resources.set(dbId, { id: dbId, name: 'default', properties: { provisioningState: 'Succeeded', clientProtocol: 'Encrypted', evictionPolicy: 'NoEviction', port: 10000 } });
    const cluster = await register('arm-amr', 'azure-managed-redis', amrId);
    const from = arm.requests.length;
    const result = await applyEvictionPolicy(cluster, [], { policy: 'volatile-lfu' }, cp.streams, change, options());
    expect(result).toMatchObject({ method: 'arm', previous: 'noeviction', applied: 'volatile-lfu', verified: true });
    expect(result.nodes[0]).toMatchObject({ node: dbId, before: 'NoEviction', after: 'VolatileLFU', verified: true });
    const sent = arm.requests.slice(from);
    const patch = sent.find((r) => r.method === 'PATCH');
    expect(patch).toMatchObject({ path: dbId, apiVersion: '2022-01-01', authorization: 'Bearer arm-test-token', body: { properties: { evictionPolicy: 'VolatileLFU' } } });
    expect(sent.filter((r) => r.path.startsWith('/operations/')).length).toBeGreaterThanOrEqual(2); // polled until Succeeded
    expect((arm.resources.get(dbId)?.['properties'] as Record<string, unknown>)['evictionPolicy']).toBe('VolatileLFU');
  });

  it('ARM refusing the update is a 422 arm_rejected, and nothing is recorded', async () => {
    const cluster = await register('arm-busy', 'azure-cache-for-redis', cacheId);
    arm.failNextPatch(409);
    await expect(applyEvictionPolicy(cluster, [], { policy: 'allkeys-lru' }, cp.streams, change, options())).rejects.toMatchObject({ code: 'arm_rejected', kind: 'unprocessable' });
    const events = await cp.store.read(clusterStreamId('arm-busy'));
    expect(events.filter((e) => e.type === 'RedisClusterManager.Eviction.PolicyApplied')).toEqual([]);
  });

  it('CONFIG on an Azure cache, or no azureResourceId, is a clear error pointing to the ARM path', async () => {
    const withId = await register('arm-config', 'azure-cache-for-redis', cacheId);
    const from = arm.requests.length;
    await expect(applyEvictionPolicy(withId, [], { policy: 'allkeys-lru', method: 'config-set' }, cp.streams, change, options())).rejects.toMatchObject({
      code: 'config_set_not_supported',
      message: expect.stringMatching(/disable CONFIG.*applied through Azure Resource Manager \(redisConfiguration\['maxmemory-policy'\]/),
    });
    const noId = await register('arm-noid', 'azure-managed-redis');
    await expect(applyEvictionPolicy(noId, [], { policy: 'allkeys-lru' }, cp.streams, change, options())).rejects.toMatchObject({ code: 'arm_resource_id_required', message: expect.stringContaining('azureResourceId') });
    const mismatch = await register('arm-mismatch', 'azure-managed-redis', cacheId);
    await expect(applyEvictionPolicy(mismatch, [], { policy: 'allkeys-lru' }, cp.streams, change, options())).rejects.toMatchObject({ code: 'azure_resource_mismatch' });
    expect(arm.requests.length).toBe(from); // refused before any ARM call
  });
});

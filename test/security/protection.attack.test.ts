import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { closeClient, keyPrefix } from '../helpers/redis';
import { startSecurityHost, type SecurityHost } from './securityHost';

// Finding 2: an operator got around a protected namespace four ways. Protection is about keys: whatever names or
// patterns an operator picks, keys of a protected namespace are bulk-changed only by an admin with force.
let host: SecurityHost;
let redis: Redis;
const prefix = keyPrefix('protection-attack');
const protectedKeys = [1, 2, 3].map((i) => `${prefix}p:${i}`);
const ns = (name: string) => `/api/clusters/prot/namespaces/${name}`;

beforeAll(async () => {
  host = await startSecurityHost();
  const { host: h, port } = inject('redisStandalone');
  redis = new Redis(port, h);
  expect((await host.setup('PUT', '/api/clusters/prot', { body: { mode: 'standalone', endpoints: [{ host: h, port }], secretRef: { kind: 'none' } } })).status).toBe(201);
  expect((await host.setup('PUT', ns('vault'), { body: { keyPattern: `${prefix}p:*`, ttlSeconds: 86_400, protected: true } })).status).toBe(201);
  for (const key of protectedKeys) await redis.set(key, 'precious');
}, 90_000);
afterAll(async () => {
  await redis?.del(...protectedKeys);
  await closeClient(redis);
  await host?.stop();
});

const keysLeft = async () => (await Promise.all(protectedKeys.map((k) => redis.exists(k)))).reduce((a, b) => a + b, 0);
const refused = (res: { status: number; json: { code?: string } }) => [res.status, res.json?.code];

describe('attack: an operator around a protected namespace', () => {
  it('(a) a new namespace with the same pattern: creating it is harmless, invalidating it is not allowed', async () => {
    expect((await host.api('PUT', ns('ov'), { as: 'operator', body: { keyPattern: `${prefix}p:*` } })).status).toBe(201);
    expect(refused(await host.api('POST', `${ns('ov')}/invalidate`, { as: 'operator', body: {} }))).toEqual([409, 'namespace_protected']);
    expect(refused(await host.api('POST', `${ns('ov')}/invalidate`, { as: 'operator', body: { force: true } }))).toEqual([403, 'forbidden']);
    expect(await keysLeft()).toBe(3);
  });

  it('(b) a wide pattern with one literal character reaches the protected keys: invalidation, TTL hygiene and an overwriting warm all refused', async () => {
    const wide = `${prefix.slice(0, 1)}*`;
    expect((await host.api('PUT', ns('wide'), { as: 'operator', body: { keyPattern: wide, ttlSeconds: 60, warmPlan: { source: { kind: 'redis', clusterId: 'prot' }, writeMode: 'overwrite' } } })).status).toBe(201);
    const invalidate = await host.api('POST', `${ns('wide')}/invalidate`, { as: 'operator', body: {} });
    expect(refused(invalidate)).toEqual([409, 'namespace_protected']);
    expect(invalidate.json.detail).toContain("may match keys of protected namespace 'vault'");
    expect(refused(await host.api('POST', `${ns('wide')}/invalidate`, { as: 'operator', body: { pattern: `${prefix}p:1`, force: true } }))).toEqual([403, 'forbidden']);
    expect(refused(await host.api('POST', `${ns('wide')}/ttl-hygiene`, { as: 'operator', body: {} }))).toEqual([409, 'namespace_protected']);
    expect(refused(await host.api('POST', '/api/clusters/prot/warm', { as: 'operator', body: { namespace: 'wide' } }))).toEqual([409, 'namespace_protected']);
    expect(refused(await host.api('POST', '/api/clusters/prot/warm', { as: 'operator', body: { namespace: 'wide', force: true } }))).toEqual([403, 'forbidden']);
    // A pattern provably disjoint from the protected one is not held up.
    expect((await host.api('POST', `${ns('wide')}/invalidate`, { as: 'operator', body: { pattern: `${prefix}q:*`, dryRun: true } })).status).toBe(200);
    expect(await keysLeft()).toBe(3);
    expect((await redis.ttl(protectedKeys[0] as string))).toBe(-1);
  });

  it("(c) and (d) an operator may not unprotect, re-pattern or delete a protected namespace; an admin may", async () => {
    expect(refused(await host.api('PUT', ns('vault'), { as: 'operator', body: { keyPattern: `${prefix}p:*`, ttlSeconds: 86_400, protected: false } }))).toEqual([403, 'forbidden']);
    expect(refused(await host.api('PUT', ns('vault'), { as: 'operator', body: { keyPattern: `${prefix}nothing:*`, ttlSeconds: 86_400, protected: true } }))).toEqual([403, 'forbidden']);
    expect(refused(await host.api('DELETE', ns('vault'), { as: 'operator' }))).toEqual([403, 'forbidden']);
    expect(refused(await host.api('PUT', ns('sneaky'), { as: 'operator', body: { keyPattern: `${prefix}s:*`, protected: true } }))).toEqual([403, 'forbidden']);
    expect((await host.api('GET', ns('vault'), { as: 'reader' })).json).toMatchObject({ protected: true, keyPattern: `${prefix}p:*` });
    const changes = (await host.events('prot')).filter((e) => e.data?.namespace === 'vault');
    expect(changes.map((e) => e.type)).toEqual(['RedisClusterManager.Namespace.PolicyChanged']); // only the admin's creation
    // The admin still can, with force for the keys.
    expect((await host.api('POST', `${ns('ov')}/invalidate`, { body: { force: true, dryRun: true } })).status).toBe(200);
    expect((await host.api('PUT', ns('vault'), { body: { keyPattern: `${prefix}p:*`, ttlSeconds: 86_400, protected: true, priority: 90 } })).status).toBe(200);
    expect(await keysLeft()).toBe(3);
  });
});

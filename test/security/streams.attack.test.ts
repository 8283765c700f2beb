import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { closeClient, keyPrefix } from '../helpers/redis';
import { startSecurityHost, until, type Json, type SecurityHost } from './securityHost';
import { securityKeys } from './securityKeys';

// Entry points added after the first attack (issue 12): stream actions, the stream listing, the hot-key report.
// Sent as an attacker would through the host: protected keys need admin + force, a key is the key that was named,
// the host's own ?code= is accepted, and a report route shows only its own kind of job of its own cluster.
let host: SecurityHost;
let redis: Redis;
const prefix = keyPrefix('streams-attack');
const vault = `${prefix}vault:orders`;
const free = `${prefix}free:orders`;

beforeAll(async () => {
  host = await startSecurityHost();
  const { host: h, port } = inject('redisStandalone');
  redis = new Redis(port, h);
  for (const id of ['sa', 'sb']) expect((await host.setup('PUT', `/api/clusters/${id}`, { body: { mode: 'standalone', endpoints: [{ host: h, port }], secretRef: { kind: 'none' } } })).status).toBe(201);
  expect((await host.setup('PUT', '/api/clusters/sa/namespaces/vault', { body: { keyPattern: `${prefix}vault:*`, protected: true } })).status).toBe(201);
  for (const key of [vault, free]) for (let i = 0; i < 5; i++) await redis.xadd(key, '*', 'n', String(i));
}, 90_000);
afterAll(async () => {
  await redis?.del(vault, free);
  await closeClient(redis);
  await host?.stop();
});

const refused = (res: { status: number; headers: Record<string, unknown>; json: Json }) => [res.status, String(res.headers['content-type']).split(';')[0], res.json?.code, (res.json?.errors ?? []).map((e: { field: string }) => e.field)];
const action = (body: unknown, as: 'admin' | 'operator' | 'reader' = 'operator') => host.api('POST', '/api/clusters/sa/stream-actions', { as, body });
const finished = (location: string) =>
  until('the stream action to finish', async () => {
    const job = (await host.api('GET', location, { as: 'reader' })).json;
    return job?.status === 'succeeded' || job?.status === 'failed' ? job : undefined;
  });

describe('attack: stream actions on keys of a protected namespace', () => {
  it('an operator cannot trim a protected stream (to 0, by id, or as a dry run); force needs admin; the stream keeps every entry', async () => {
    expect(refused(await action({ action: 'trim', key: vault, maxLen: 0 }))).toEqual([409, 'application/problem+json', 'namespace_protected', []]);
    expect(refused(await action({ action: 'trim', key: vault, minId: '99999999999999-0' }))).toEqual([409, 'application/problem+json', 'namespace_protected', []]);
    expect(refused(await action({ action: 'trim', key: vault, maxLen: 0, dryRun: true }))).toEqual([409, 'application/problem+json', 'namespace_protected', []]);
    expect(refused(await action({ action: 'trim', key: vault, maxLen: 0, force: true }))).toEqual([403, 'application/problem+json', 'forbidden', []]);
    // The same key spelled in base64 is the same key.
    expect(refused(await action({ action: 'trim', key: Buffer.from(vault).toString('base64'), keyEncoding: 'base64', maxLen: 0 }))).toEqual([409, 'application/problem+json', 'namespace_protected', []]);
    const admin = await action({ action: 'trim', key: vault, maxLen: 0 }, 'admin');
    expect(refused(admin)[2]).toBe('namespace_protected');
    expect(admin.json.detail).toContain("protected namespace 'vault'");
    expect(await redis.xlen(vault)).toBe(5);
    expect((await host.api('GET', '/api/clusters/sa/jobs', { as: 'reader' })).json.items ?? []).toEqual([]);
  });

  it('a reader may not act on any stream; an operator trims an unprotected one; an admin with force trims the protected one', async () => {
    expect(refused(await action({ action: 'trim', key: free, maxLen: 0 }, 'reader'))).toEqual([403, 'application/problem+json', 'forbidden', []]);
    const trim = await action({ action: 'trim', key: free, maxLen: 2 });
    expect(trim.status).toBe(202);
    expect((await finished(trim.headers['location'] as string)).status).toBe('succeeded');
    expect(await redis.xlen(free)).toBe(2);
    const forced = await action({ action: 'trim', key: vault, maxLen: 3, force: true }, 'admin');
    expect(forced.status).toBe(202);
    expect((await finished(forced.headers['location'] as string)).status).toBe('succeeded');
    expect(await redis.xlen(vault)).toBe(3);
  });
});

describe('attack: stream keys spelled to land elsewhere', () => {
  it.each([
    ['not base64 at all (Node would decode what is left of it)', free],
    ['base64 with trailing bits (another key once decoded)', 'YR=='],
    ['base64 of nothing', '='],
  ])('keyEncoding base64, %s → 400 invalid_key naming body.key, no job', async (_what, key) => {
    const res = await action({ action: 'trim', key, keyEncoding: 'base64', maxLen: 0 });
    expect(refused(res)).toEqual([400, 'application/problem+json', 'invalid_key', ['body.key']]);
  });

  it('a key over 1024 bytes (2048 two-byte characters) → 400 invalid_key; a huge body → 413 before Redis is asked', async () => {
    expect(refused(await action({ action: 'trim', key: 'é'.repeat(1000), maxLen: 0 }))).toEqual([400, 'application/problem+json', 'invalid_key', ['body.key']]);
    const huge = await action({ action: 'trim', key: 'x'.repeat(3_000_000), maxLen: 0 });
    expect([413, 400]).toContain(huge.status);
    expect(huge.headers['content-type']).toMatch(/problem\+json/);
  });
});

describe("attack: the host's own ?code= and side doors between report routes", () => {
  it('GET …/streams?code=<function key> is not refused as an unknown field', async () => {
    const res = await host.raw('GET', `/api/clusters/sa/streams?code=${securityKeys.function}&limit=5`, { 'x-api-key': securityKeys.reader });
    expect(res.json?.code, res.text).not.toBe('invalid_query');
    expect([200, 404]).toContain(res.status);
    if (res.status === 404) expect(res.json.code).toBe('messaging_not_collected');
  });

  it("the hot-key report route shows no job of another kind, nor a radar through another cluster's URL", async () => {
    const analysis = await host.setup('POST', '/api/clusters/sa/analysis', { as: 'operator', body: { mode: 'sampled', samples: 100 } });
    expect(analysis.status).toBe(202);
    const analysisId = analysis.json.jobId as string;
    expect(refused(await host.api('GET', `/api/clusters/sa/hotkeys/${analysisId}`, { as: 'reader' }))).toEqual([404, 'application/problem+json', 'hotkeys_not_found', []]);
    const radar = await host.setup('POST', '/api/clusters/sa/hotkeys', { as: 'operator', body: { durationSeconds: 5 } });
    expect(radar.status, radar.text).toBe(202);
    const radarId = radar.json.jobId as string;
    expect(refused(await host.api('GET', `/api/clusters/sb/hotkeys/${radarId}`, { as: 'reader' }))).toEqual([404, 'application/problem+json', 'hotkeys_not_found', []]);
    expect((await host.api('GET', `/api/clusters/sa/hotkeys/${radarId}`, { as: 'reader' })).status).toBe(200);
    await host.api('POST', `/api/jobs/${radarId}/cancel`, { as: 'operator' });
    for (const id of ['constructor', '__proto__', '..', '%2e%2e']) {
      const res = await host.api('GET', `/api/clusters/sa/hotkeys/${id}`, { as: 'reader' });
      expect([400, 404], `${id}: ${res.text}`).toContain(res.status);
      expect(res.headers['content-type']).toMatch(/problem\+json/);
    }
  });
});

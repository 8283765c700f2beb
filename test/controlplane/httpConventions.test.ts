import { beforeAll, describe, expect, it } from 'vitest';
import { clusterEventRoutes } from '../../shared/admin/clusters/clusterEventRoutes';
import { clusterRoutes } from '../../shared/admin/clusters/clusterRoutes';
import type { RouteTable } from '../../shared/platform/http/apiHandler';
import { jsonResponse } from '../../shared/platform/http/ApiRequest';
import type { ControlPlane } from '../../shared/platform/controlPlane';
import { namespaceRoutes } from '../../shared/admin/namespaces/namespaceRoutes';
import { apimSecret, callRoutes, sampleCluster, samplePolicy, testControlPlane } from './api';
import { tableRows } from './fixtures';

let cp: ControlPlane;
beforeAll(async () => {
  cp = await testControlPlane();
});
const cluster = (id: string, call: Omit<Parameters<typeof callRoutes>[2], 'path' | 'params'> = { method: 'GET' }) =>
  callRoutes(cp, clusterRoutes, { ...call, path: `/clusters/${id}`, params: { id } });

describe('authentication and roles', () => {
  it('401 without credentials (with WWW-Authenticate), 401 with a wrong key, 403 with too small a role', async () => {
    const none = await cluster('auth-a', { method: 'GET', as: 'nobody' });
    expect(none.status).toBe(401);
    expect(none.json.code).toBe('missing_credentials');
    expect(none.headers['www-authenticate']).toMatch(/x-api-key/);
    expect(none.headers['content-type']).toMatch(/^application\/problem\+json/);
    const wrong = await cluster('auth-a', { method: 'GET', as: 'nobody', headers: { 'x-api-key': 'not-a-key-0123456789012345' } });
    expect([wrong.status, wrong.json.code]).toEqual([401, 'invalid_credentials']);
    const reader = await cluster('auth-a', { method: 'PUT', as: 'reader', body: sampleCluster });
    expect([reader.status, reader.json.code]).toEqual([403, 'forbidden']);
    const operator = await cluster('auth-a', { method: 'PUT', as: 'operator', body: sampleCluster });
    expect(operator.status).toBe(403);
    expect((await cp.store.head('cluster-auth-a')).version).toBe(0);
  });

  it('trusts forwarded Entra headers only with the APIM secret, and records that principal', async () => {
    const forged = await cluster('auth-b', { method: 'PUT', as: 'nobody', body: sampleCluster, headers: { 'x-rcm-principal': 'mallory', 'x-rcm-roles': 'admin' } });
    expect(forged.status).toBe(401);
    const badSecret = await cluster('auth-b', { method: 'PUT', as: 'nobody', body: sampleCluster, headers: { 'x-rcm-apim-secret': 'guess-guess-guess-guess-guess', 'x-rcm-principal': 'mallory', 'x-rcm-roles': 'admin' } });
    expect(badSecret.status).toBe(401);
    const noRole = await cluster('auth-b', { method: 'GET', as: 'nobody', headers: { 'x-rcm-apim-secret': apimSecret, 'x-rcm-principal': 'eve@contoso.com', 'x-rcm-roles': 'Something.Else' } });
    expect(noRole.status).toBe(403);
    const viaApim = await cluster('auth-b', {
      method: 'PUT',
      as: 'nobody',
      body: sampleCluster,
      headers: { 'x-rcm-apim-secret': apimSecret, 'x-rcm-principal': 'grace@contoso.com', 'x-rcm-roles': 'RedisClusterManager.Reader,RedisClusterManager.Admin' },
    });
    expect(viaApim.status).toBe(201);
    expect(viaApim.json.createdBy).toBe('grace@contoso.com');
    const [event] = await cp.store.read('cluster-auth-b');
    expect(event?.principal).toEqual({ id: 'grace@contoso.com', kind: 'entra', role: 'admin' });
  });
});

describe('validation and problem+json', () => {
  it('rejects invalid JSON, unknown fields, bad ids, wrong media type and huge bodies with stable codes', async () => {
    const invalidJson = await cluster('val-a', { method: 'PUT', body: '{"mode": ' });
    expect([invalidJson.status, invalidJson.json.code]).toEqual([400, 'invalid_json']);
    const unknown = await cluster('val-a', { method: 'PUT', body: { ...sampleCluster, colour: 'blue' } });
    expect(unknown.status).toBe(400);
    expect(unknown.json.errors).toContainEqual(expect.objectContaining({ field: 'body.colour' }));
    const badPort = await cluster('val-a', { method: 'PUT', body: { ...sampleCluster, endpoints: [{ host: 'h', port: 70000 }] } });
    expect(badPort.json.errors).toContainEqual(expect.objectContaining({ field: 'body.endpoints.0.port' }));
    const traversal = await cluster('..%2Fetc', { method: 'GET' });
    expect([traversal.status, traversal.json.code, traversal.json.errors[0].field]).toEqual([400, 'invalid_params', 'params.id']);
    const media = await cluster('val-a', { method: 'PUT', body: sampleCluster, headers: { 'content-type': 'text/plain' } });
    expect([media.status, media.json.code]).toEqual([415, 'unsupported_media_type']);
    const huge = await cluster('val-a', { method: 'PUT', body: { ...sampleCluster, displayName: 'x'.repeat(70_000) } });
    expect([huge.status, huge.json.code]).toEqual([413, 'payload_too_large']);
    expect((await cp.store.head('cluster-val-a')).version).toBe(0);
  });

  it('answers anything unexpected with a bare 500 and logs it with the invocation id', async () => {
    const routes: RouteTable = { GET: { role: 'reader', doc: { operationId: 'boom', summary: 'throws', responses: {} }, handle: async () => { throw new Error('boom: password=hunter2'); } } };
    const result = await callRoutes(cp, routes, { method: 'GET', path: '/x' });
    expect([result.status, result.json.code]).toEqual([500, 'internal_error']);
    expect(JSON.stringify(result.json)).not.toMatch(/hunter2|boom|at /);
    expect(result.logged.join('\n')).toMatch(/boom/);
    expect(result.json.detail).toMatch(/inv-/);
  });
});

describe('secret rejection', () => {
  const cases: [string, Record<string, unknown>, string][] = [
    ['password in an endpoint URL', { ...sampleCluster, endpoints: [{ host: 'redis://default:s3cr3t-Pa55@cache.internal', port: 6379 }] }, 'body.endpoints.0.host'],
    ['a password field', { ...sampleCluster, password: 'hunter2-hunter2' }, 'body.password'],
    ['an access key field', { ...sampleCluster, secretRef: { kind: 'env', name: 'X', accessKey: 'abc' } }, 'body.secretRef.accessKey'],
    ['a key in the user name', { ...sampleCluster, username: 'Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MGFiY2RlZmdoaWprbG1ub3A=' }, 'body.username'],
    ['a connection string', { ...sampleCluster, displayName: 'cache.redis.cache.windows.net:6380,password=abcDEF123,ssl=True' }, 'body.displayName'],
  ];
  for (const [name, body, field] of cases) {
    it(`refuses ${name}, naming the field and never echoing the value`, async () => {
      const result = await cluster('secrets', { method: 'PUT', body });
      expect([result.status, result.json.code]).toEqual([400, 'secret_not_allowed']);
      expect(result.json.errors.map((e: { field: string }) => e.field)).toContain(field);
      expect(JSON.stringify(result.json)).not.toMatch(/s3cr3t|hunter2|Zm9vYmFy|abcDEF123/);
      expect(result.json.detail).toMatch(/secretRef/);
    });
  }

  it('accepts every kind of secret reference', async () => {
    for (const secretRef of [
      { kind: 'none' },
      { kind: 'env', name: 'REDIS_PASSWORD' },
      { kind: 'keyVault', secretUri: 'https://rcm-kv.vault.azure.net/secrets/redis-main' },
      { kind: 'entra', clientId: '4b1f9c8e-2d3a-4e5f-9a8b-7c6d5e4f3a2b' },
    ]) {
      const result = await cluster(`ref-${secretRef.kind.toLowerCase()}`, { method: 'PUT', body: { ...sampleCluster, secretRef } });
      expect(result.status).toBe(201);
    }
  });
});

describe('ETags and conditional requests', () => {
  it('GET returns the ETag, stale If-Match is 412 and changes nothing, If-None-Match works both ways', async () => {
    const created = await cluster('etag-a', { method: 'PUT', body: sampleCluster, headers: { 'if-none-match': '*' } });
    expect(created.status).toBe(201);
    const etag = created.headers['etag'] ?? '';
    expect(etag).toBe('"1"');
    const again = await cluster('etag-a', { method: 'PUT', body: sampleCluster, headers: { 'if-none-match': '*' } });
    expect(again.status).toBe(412);
    const read = await cluster('etag-a');
    expect([read.status, read.headers['etag']]).toEqual([200, etag]);
    expect((await cluster('etag-a', { method: 'GET', headers: { 'if-none-match': etag } })).status).toBe(304);
    const updated = await cluster('etag-a', { method: 'PUT', body: { ...sampleCluster, displayName: 'main' }, headers: { 'if-match': etag } });
    expect([updated.status, updated.headers['etag']]).toEqual([200, '"2"']);
    const rows = await tableRows(cp.store.table);
    const stale = await cluster('etag-a', { method: 'PUT', body: { ...sampleCluster, displayName: 'stale' }, headers: { 'if-match': etag } });
    expect([stale.status, stale.json.code]).toEqual([412, 'precondition_failed']);
    const weak = await cluster('etag-a', { method: 'DELETE', headers: { 'if-match': 'W/"2"' } });
    expect(weak.status).toBe(412);
    const junk = await cluster('etag-a', { method: 'DELETE', headers: { 'if-match': 'two' } });
    expect([junk.status, junk.json.code]).toEqual([400, 'invalid_header']);
    expect(await tableRows(cp.store.table)).toEqual(rows);
    expect((await cluster('etag-a')).json.displayName).toBe('main');
  });

  it('namespaces carry their own ETag, independent of other changes to the cluster', async () => {
    await cluster('etag-ns', { method: 'PUT', body: sampleCluster });
    const ns = (name: string, call: Omit<Parameters<typeof callRoutes>[2], 'path' | 'params'>) =>
      callRoutes(cp, namespaceRoutes, { ...call, path: `/clusters/etag-ns/namespaces/${name}`, params: { id: 'etag-ns', ns: name } });
    const users = await ns('users', { method: 'PUT', body: samplePolicy, as: 'operator' });
    expect(users.status).toBe(201);
    await ns('carts', { method: 'PUT', body: samplePolicy, as: 'operator' });
    const kept = await ns('users', { method: 'PUT', body: { ...samplePolicy, priority: 90 }, as: 'operator', headers: { 'if-match': users.headers['etag'] ?? '' } });
    expect(kept.status).toBe(200);
    const stale = await ns('users', { method: 'PUT', body: { ...samplePolicy, priority: 10 }, as: 'operator', headers: { 'if-match': users.headers['etag'] ?? '' } });
    expect(stale.status).toBe(412);
    expect((await ns('users', { method: 'GET', as: 'reader' })).json.priority).toBe(90);
  });

  it('pages the audit log newest first with who and when', async () => {
    for (let i = 0; i < 5; i += 1) await cluster('audit-a', { method: 'PUT', body: { ...sampleCluster, displayName: `v${i}` } });
    const page = await callRoutes(cp, clusterEventRoutes, { method: 'GET', path: '/clusters/audit-a/events?limit=3', params: { id: 'audit-a' }, as: 'reader' });
    expect(page.json.items.map((e: { version: number }) => e.version)).toEqual([5, 4, 3]);
    expect(page.json.items[0]).toMatchObject({ type: 'RedisClusterManager.Cluster.Updated', principal: { id: 'ada', kind: 'api-key', role: 'admin' }, subject: 'clusters/audit-a' });
    expect(page.json.next).toBe('/api/clusters/audit-a/events?limit=3&before=3');
    const next = await callRoutes(cp, clusterEventRoutes, { method: 'GET', path: page.json.next.replace('/api', ''), params: { id: 'audit-a' }, as: 'reader' });
    expect(next.json.items.map((e: { version: number }) => e.version)).toEqual([2, 1]);
    expect(next.json.next).toBeUndefined();
  });
});

describe('Idempotency-Key on POST', () => {
  // A POST route of the shape later areas add (e.g. invalidate → job): it appends an event per call.
  const routes: RouteTable = {
    POST: {
      role: 'operator',
      doc: { operationId: 'putIdem', summary: 'appends an event per call', responses: {} },
      async handle({ body, cp: plane, change }) {
        const { name } = JSON.parse(body) as { name: string };
        const { policy } = await plane.namespaces.put('idem', name, samplePolicy, change);
        return jsonResponse(202, { version: policy.version, name });
      },
    },
  };
  const post = (body: unknown, key?: string) => callRoutes(cp, routes, { method: 'POST', path: '/clusters/idem/jobs', body, as: 'operator', headers: key ? { 'idempotency-key': key } : {} });

  it('replays the first response for a retried key, 422 for the same key with another body', async () => {
    await cluster('idem', { method: 'PUT', body: sampleCluster });
    const first = await post({ name: 'one' }, 'key-1');
    const retry = await post({ name: 'one' }, 'key-1');
    expect(first.status).toBe(202);
    expect(retry.json).toEqual(first.json);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    const misuse = await post({ name: 'two' }, 'key-1');
    expect([misuse.status, misuse.json.code]).toEqual([422, 'idempotency_key_reused']);
    expect((await cp.store.read('cluster-idem')).map((e) => e.type)).toEqual(['RedisClusterManager.Cluster.Registered', 'RedisClusterManager.Namespace.PolicyChanged']);
    expect((await post({ name: 'three' })).status).toBe(202);
  });
});

import { beforeAll, describe, expect, it } from 'vitest';
import { clusterRoutes } from '../../shared/admin/clusters/clusterRoutes';
import { namespaceRoutes } from '../../shared/admin/namespaces/namespaceRoutes';
import type { ControlPlane } from '../../shared/platform/controlPlane';
import { callRoutes, testControlPlane } from '../controlplane/api';

let cp: ControlPlane;
const put = (ns: string, warmPlan: unknown, as: 'admin' | 'operator' = 'operator') =>
  callRoutes(cp, namespaceRoutes, { method: 'PUT', path: `/clusters/pv/namespaces/${ns}`, params: { id: 'pv', ns }, body: { keyPattern: 'p:*', ttlSeconds: 60, warmPlan }, as });

beforeAll(async () => {
  process.env['WARM_BLOB_CONTAINERS'] = 'src,feeds-*';
  cp = await testControlPlane();
  const created = await callRoutes(cp, clusterRoutes, { method: 'PUT', path: '/clusters/pv', params: { id: 'pv' }, body: { mode: 'standalone', endpoints: [{ host: '127.0.0.1', port: 6390 }], secretRef: { kind: 'none' } } });
  expect(created.status).toBe(201);
});

describe('warm plans on the namespace policy', () => {
  it('stores a plan with its defaults, audited as Namespace.PolicyChanged', async () => {
    const res = await put('a', { source: { kind: 'blob', container: 'src', blob: 'a.ndjson' }, mapping: { key: 'p:{id}' }, schedule: '0 0 3 * * *' });
    expect(res.status).toBe(201);
    expect(res.json.warmPlan).toEqual({
      source: { kind: 'blob', container: 'src', blob: 'a.ndjson', format: 'ndjson' },
      mapping: { key: 'p:{id}', value: 'value', valueEncoding: 'utf8' },
      writeMode: 'nx',
      keysPerSecond: null,
      maxFailed: 1000,
      maxFailedRatio: 0.01,
      maxValueBytes: 1048576,
      maxKeys: null,
      schedule: '0 0 3 * * *',
      rewarmAfterInvalidation: false,
      rewarmAfterMaintenance: true,
    });
    const audit = (await cp.streams.replay('pv')).state.namespaces['a'];
    expect(audit?.updatedBy).toBe('otto');
  });

  it.each([
    [{ source: { kind: 'blob', container: 'src', blob: 'a' } }, 'body.warmPlan.mapping', 'file and HTTP sources need a mapping'],
    [{ source: { kind: 'blob', container: 'src', blob: 'a' }, mapping: { key: 'p:{id}' }, writeMode: 'replace' }, 'body.warmPlan.writeMode', 'Invalid option'],
    [{ source: { kind: 'blob', container: 'src', blob: 'a' }, mapping: { key: 'p:{id}' }, writeMode: 'version-compare' }, 'body.warmPlan.mapping.versionField', 'needs mapping.versionField'],
    [{ source: { kind: 'blob', container: 'src', blob: 'a' }, mapping: { key: 'p:{id}' }, schedule: '0 3 * * *' }, 'body.warmPlan.schedule', 'six-field NCRONTAB'],
    [{ source: { kind: 'blob', container: 'src', blob: 'a' }, mapping: { key: 'p:' } }, 'body.warmPlan.mapping.key', 'must reference at least one {field}'],
    [{ source: { kind: 'ftp', url: 'x' } }, 'body.warmPlan.source.kind', ''],
  ])('refuses an invalid plan naming the field (%#)', async (plan, field, message) => {
    const res = await put('bad', plan);
    expect(res.status).toBe(400);
    expect(res.json.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field, message: expect.stringContaining(message) })]));
  });

  it('allowPrivateNetworks needs an admin; the URL is still checked against the allow-list', async () => {
    const plan = { source: { kind: 'http', url: 'http://10.0.0.8/feed.ndjson', allowPrivateNetworks: true }, mapping: { key: 'p:{id}' } };
    expect((await put('priv', plan, 'operator')).status).toBe(403);
    const asAdmin = await put('priv', plan, 'admin');
    expect(asAdmin.status).toBe(400);
    expect(asAdmin.json.detail).toContain("host '10.0.0.8' is not in WARM_HTTP_ALLOWED_HOSTS");
  });

  it.each([
    [{ source: { kind: 'blob', container: 'other', blob: 'a' }, mapping: { key: 'p:{id}' } }, 'body.warmPlan.source.container', "container 'other' is not one of WARM_BLOB_CONTAINERS (src, feeds-*)"],
    [{ source: { kind: 'blob', container: 'azure-webjobs-secrets', blob: 'host.json' }, mapping: { key: 'p:{id}' } }, 'body.warmPlan.source.container', "container 'azure-webjobs-secrets' is not one of"],
    [{ source: { kind: 'redis', clusterId: 'never-registered' } }, 'body.warmPlan.source.clusterId', "cluster 'never-registered' is not registered"],
  ])('refuses a source outside what is configured or registered, even for an admin (%#)', async (plan, field, message) => {
    const res = await put('src', plan, 'admin');
    expect([res.status, res.json.code]).toEqual([400, 'warm_source_refused']);
    expect(res.json.errors).toEqual([{ field, message: expect.stringContaining(message) }]);
  });

  it('accepts a configured container by prefix and a registered source cluster', async () => {
    expect((await put('feeds', { source: { kind: 'blob', container: 'feeds-2026', blob: 'a' }, mapping: { key: 'p:{id}' } })).status).toBe(201);
    expect((await put('copy', { source: { kind: 'redis', clusterId: 'pv' } })).status).toBe(201);
  });
});

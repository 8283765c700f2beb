import { createServer, type Server } from 'node:net';
import { BlobServiceClient } from '@azure/storage-blob';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { freePort } from '../../tools/local/index';
import { azuriteConnectionString, uniqueContainerName } from '../helpers/storage';
import { startSecurityHost, until, type Json, type SecurityHost } from './securityHost';
import { securityKeys } from './securityKeys';

// Findings 3-6 and 8-11, each sent as an attacker (or a careless admin) would, through the host: the answer is a
// 4xx problem with a stable code and the field, nothing is stored, nothing secret leaves.
let host: SecurityHost;
let fakeRedis: Server;
let fakePort: number;
const received: string[] = [];
const storageKey = 'AccountKey=' + (azuriteConnectionString().match(/AccountKey=([^;]+)/)?.[1] ?? '').slice(0, 12);

beforeAll(async () => {
  fakePort = await freePort();
  fakeRedis = createServer((socket) => socket.on('data', (d) => received.push(d.toString('latin1'))));
  await new Promise<void>((r) => fakeRedis.listen(fakePort, '127.0.0.1', r));
  host = await startSecurityHost({ WARM_HTTP_ALLOWED_HOSTS: '::7f00:1,127.0.0.1', WARM_BLOB_CONTAINERS: 'warm-*', NOTIFY_ALLOWED_HOSTS: 'hooks.example.org', RCM_SEC_SLACK_URL: 'https://hooks.example.org/services/x' });
  const { host: h, port } = inject('redisStandalone');
  expect((await host.setup('PUT', '/api/clusters/fz', { body: { mode: 'standalone', endpoints: [{ host: h, port }], secretRef: { kind: 'none' } } })).status).toBe(201);
  expect((await host.setup('PUT', '/api/clusters/fz/namespaces/users', { as: 'operator', body: { keyPattern: 'sec-input:user:*' } })).status).toBe(201);
}, 90_000);
afterAll(async () => {
  await host?.stop();
  await new Promise((r) => fakeRedis?.close(r));
});

const problem = (res: { status: number; headers: Record<string, unknown>; json: Json }) => ({
  status: res.status,
  type: String(res.headers['content-type']).split(';')[0],
  code: res.json?.code,
  fields: (res.json?.errors ?? []).map((e: { field: string }) => e.field),
});
const versionOf = async (clusterId: string) => (await host.events(clusterId)).at(-1)?.version;

describe('attack: secret references pointing at the app\'s own settings (3)', () => {
  it.each(['AzureWebJobsStorage', 'API_KEYS', 'EVENTGRID_TOPIC_KEY', 'APIM_SHARED_SECRET', 'SOME_UNRELATED_SETTING'])('env reference to %s is refused; the fake Redis never hears from us', async (name) => {
    const res = await host.api('PUT', '/api/clusters/exfil', { body: { mode: 'standalone', endpoints: [{ host: '127.0.0.1', port: fakePort }], secretRef: { kind: 'env', name } } });
    expect(problem(res)).toEqual({ status: 400, type: 'application/problem+json', code: 'secret_ref_not_allowed', fields: ['body.secretRef.name'] });
    expect((await host.api('GET', '/api/clusters/exfil', { as: 'reader' })).status).toBe(404);
    expect(received.join('')).toBe('');
  });

  it.each(['API_KEYS', 'AzureWebJobsStorage'])('a notification channel naming %s as its URL or signing secret is refused', async (name) => {
    const url = await host.api('PUT', '/api/notification-channels/exfil', { body: { kind: 'slack', url: { kind: 'env', name } } });
    expect(problem(url)).toMatchObject({ status: 400, code: 'secret_ref_not_allowed', fields: ['body.url.name'] });
    const signing = await host.api('PUT', '/api/notification-channels/exfil', { body: { kind: 'webhook', url: { kind: 'env', name: 'RCM_HOOK_URL' }, signingSecret: { kind: 'env', name } } });
    expect(problem(signing)).toMatchObject({ status: 400, code: 'secret_ref_not_allowed', fields: ['body.signingSecret.name'] });
  });

  it('a cache credential setting (REDIS_SECRET_… / REDIS_PASSWORD…) is accepted', async () => {
    expect((await host.api('PUT', '/api/clusters/okref', { body: { mode: 'standalone', endpoints: [{ host: '127.0.0.1', port: fakePort }], secretRef: { kind: 'env', name: 'REDIS_SECRET_OKREF' } } })).status).toBe(201);
    expect((await host.api('DELETE', '/api/clusters/okref')).status).toBe(204);
  });
});

describe('attack: Object.prototype names as ids and keys (4)', () => {
  it('namespace "constructor" never created: 404 on read, delete, invalidate, ttl-hygiene and warm, no event; PUT creates it (201)', async () => {
    const before = await versionOf('fz');
    expect(problem(await host.api('GET', '/api/clusters/fz/namespaces/constructor', { as: 'reader' })).status).toBe(404);
    expect(problem(await host.api('DELETE', '/api/clusters/fz/namespaces/constructor', { as: 'operator' })).code).toBe('namespace_not_found');
    expect(problem(await host.api('POST', '/api/clusters/fz/namespaces/constructor/invalidate', { as: 'operator', body: { dryRun: true } })).code).toBe('namespace_not_found');
    expect(problem(await host.api('POST', '/api/clusters/fz/namespaces/constructor/ttl-hygiene', { as: 'operator', body: {} })).code).toBe('namespace_not_found');
    expect(problem(await host.api('POST', '/api/clusters/fz/warm', { as: 'operator', body: { namespace: 'constructor' } })).code).toBe('namespace_not_found');
    expect(await versionOf('fz')).toBe(before);
    expect((await host.api('PUT', '/api/clusters/fz/namespaces/constructor', { as: 'operator', body: { keyPattern: 'sec-input:ctor:*' } })).status).toBe(201);
    expect((await host.api('GET', '/api/clusters/fz/namespaces/constructor', { as: 'reader' })).json.keyPattern).toBe('sec-input:ctor:*');
  });

  it('notification channel "constructor" never created: 404 on read and delete; PUT creates it (201, not 200)', async () => {
    expect(problem(await host.api('GET', '/api/notification-channels/constructor', { as: 'reader' }))).toMatchObject({ status: 404, code: 'channel_not_found' });
    expect(problem(await host.api('DELETE', '/api/notification-channels/constructor'))).toMatchObject({ status: 404, code: 'channel_not_found' });
    const created = await host.api('PUT', '/api/notification-channels/constructor', { body: { kind: 'slack', url: { kind: 'env', name: 'RCM_SEC_SLACK_URL' } } });
    expect(created.status).toBe(201);
    expect((await host.api('GET', '/api/notification-channels/constructor', { as: 'reader' })).json).toMatchObject({ name: 'constructor', kind: 'slack' });
  });

  it('__proto__ keys in labels and alert rules are a 400 naming the field, not silently dropped', async () => {
    const labels = '{"mode":"standalone","endpoints":[{"host":"127.0.0.1","port":6390}],"secretRef":{"kind":"none"},"labels":{"__proto__":{"x":"y"},"team":"a"}}';
    expect(problem(await host.api('PUT', '/api/clusters/proto', { body: labels }))).toMatchObject({ status: 400, fields: ['body.labels.__proto__'] });
    expect(problem(await host.api('PUT', '/api/clusters/fz/alert-rules', { as: 'operator', body: '{"rules":{"__proto__":{"enabled":false}}}' }))).toMatchObject({ status: 400, fields: ['body.rules.__proto__'] });
  });
});

describe('attack: deep nesting (5)', () => {
  it('3,000 nested arrays (6 KB) are a 400 at parse time, not a 500', async () => {
    const body = `{"mode":"standalone","endpoints":${'['.repeat(3000)}${']'.repeat(3000)},"secretRef":{"kind":"none"}}`;
    expect(problem(await host.api('PUT', '/api/clusters/deep', { body }))).toEqual({ status: 400, type: 'application/problem+json', code: 'invalid_json', fields: ['body'] });
    expect(problem(await host.api('PUT', '/api/clusters/fz/namespaces/deep', { as: 'operator', body: `{"keyPattern":"a:*","x":${'{"a":'.repeat(3000)}1${'}'.repeat(3000)}}` })).code).toBe('invalid_json');
  });
});

describe('attack: secrets into the append-only audit log (6)', () => {
  const plan = (url: string) => ({ keyPattern: 'sec-input:w:*', warmPlan: { source: { kind: 'http', url }, mapping: { key: 'sec-input:w:{id}' } } });
  it.each([
    ['a SAS URL (sig=)', '/api/clusters/fz/namespaces/w1', plan('https://127.0.0.1/feed.ndjson?sv=2024&sig=c2VjcmV0c2lnbmF0dXJl'), 'body.warmPlan.source.url'],
    ['a token= URL', '/api/clusters/fz/namespaces/w2', plan('https://127.0.0.1/feed.ndjson?token=abc123abc123'), 'body.warmPlan.source.url'],
    ['a function URL (code=)', '/api/clusters/fz/namespaces/w3', plan('https://127.0.0.1/api/feed?code=Zm9vYmFyYmF6'), 'body.warmPlan.source.url'],
    ['a label named db-password', '/api/clusters/lbl1', { labels: { 'db-password': 'hunter2' } }, 'body.labels.db-password'],
    ['a label named passwd', '/api/clusters/lbl2', { labels: { passwd: 'hunter2' } }, 'body.labels.passwd'],
    ['a label named pw', '/api/clusters/lbl3', { labels: { pw: 'hunter2' } }, 'body.labels.pw'],
    ['a label named auth', '/api/clusters/lbl4', { labels: { auth: 'hunter2' } }, 'body.labels.auth'],
    ['a redis URL with a password inside a value', '/api/clusters/lbl5', { labels: { note: 'copy of redis://u:hunter2@h:6379' } }, 'body.labels.note'],
    ['an AUTH command', '/api/clusters/lbl6', { labels: { note: 'AUTH hunter2' } }, 'body.labels.note'],
    ['a Bearer JWT', '/api/clusters/lbl7', { displayName: 'Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJodW50ZXIyIn0.c2lnbmF0dXJlaHVudGVy' }, 'body.displayName'],
  ])('%s: 400 secret_not_allowed naming the field, value not echoed, nothing stored', async (_name, path, extra, field) => {
    const body = path.includes('/namespaces/') ? extra : { mode: 'standalone', endpoints: [{ host: '127.0.0.1', port: 6390 }], secretRef: { kind: 'none' }, ...extra };
    const res = await host.api('PUT', path, { as: path.includes('/namespaces/') ? 'operator' : 'admin', body });
    expect(problem(res)).toMatchObject({ status: 400, code: 'secret_not_allowed', fields: [field] });
    expect(res.text).not.toMatch(/hunter2|c2VjcmV0|abc123abc123|Zm9vYmFy|eyJ/);
    expect((await host.api('GET', path, { as: 'reader' })).status).toBe(404);
  });

  it('a bad warm source line is reported by position and reason, never by its content', async () => {
    const container = uniqueContainerName('warm-sec');
    const blobs = BlobServiceClient.fromConnectionString(azuriteConnectionString()).getContainerClient(container);
    await blobs.create();
    const text = '{"id":1,"value":"a"}\n{"id":2,"db_password":hunter2-secret}\n';
    await blobs.getBlockBlobClient('feed.ndjson').upload(text, Buffer.byteLength(text));
    const put = await host.api('PUT', '/api/clusters/fz/namespaces/feed', { as: 'operator', body: { keyPattern: 'sec-input:feed:*', warmPlan: { source: { kind: 'blob', container, blob: 'feed.ndjson' }, mapping: { key: 'sec-input:feed:{id}' } } } });
    expect(put.status).toBe(201);
    const started = await host.api('POST', '/api/clusters/fz/warm', { as: 'operator', body: { namespace: 'feed', dryRun: true } });
    expect(started.status).toBe(202);
    const job = await until('the warm job', async () => {
      const j = (await host.api('GET', started.headers['location'] as string, { as: 'reader' })).json;
      return j.status === 'succeeded' || j.status === 'failed' ? j : undefined;
    });
    const everything = JSON.stringify(job) + JSON.stringify(await host.events('fz')) + host.proc.output();
    expect(everything).toContain('line 2: not valid JSON');
    expect(everything).not.toMatch(/hunter2|db_passwor/);
  });
});

describe('attack: the host\'s own ?code= parameter (8)', () => {
  it.each(['/api/clusters/fz/metrics', '/api/clusters/fz/events', '/api/clusters/fz/jobs', '/api/clusters/fz'])('GET %s?code=<function key> works', async (path) => {
    const res = await host.api('GET', `${path}?code=${securityKeys.function}`, { as: 'reader', functionKey: false });
    expect(res.status).toBe(200);
  });
});

describe('attack: dot segments in ids (9)', () => {
  it.each(['/api/clusters/fz/namespaces/%2e%2e', '/api/clusters/fz/namespaces/..', '/api/clusters/fz/namespaces/%2E.', '/api/clusters/fz/namespaces/users/..', '/api/clusters/fz/namespaces/.'])(
    'DELETE %s as admin: 400 before routing, cluster fz still registered',
    async (path) => {
      const res = await host.api('DELETE', path);
      expect([res.status, String(res.headers['content-type']).split(';')[0]]).toEqual([400, 'application/problem+json']);
      expect((await host.api('GET', '/api/clusters/fz', { as: 'reader' })).status).toBe(200);
      expect((await host.api('GET', '/api/clusters/fz/namespaces/users', { as: 'reader' })).status).toBe(200);
    },
  );
});

describe('attack: SSRF and storage edges (10)', () => {
  it.each([
    [{ kind: 'http', url: 'http://[::7f00:1]:6379/x.ndjson' }, 'body.warmPlan.source.url', 'loopback'],
    [{ kind: 'http', url: 'http://[::ffff:7f00:1]:6379/x.ndjson' }, 'body.warmPlan.source.url', 'loopback'],
    [{ kind: 'redis', clusterId: 'nobody-registered-this' }, 'body.warmPlan.source.clusterId', 'not registered'],
    [{ kind: 'blob', container: 'azure-webjobs-secrets', blob: 'host.json' }, 'body.warmPlan.source.container', 'WARM_BLOB_CONTAINERS'],
    [{ kind: 'blob', container: 'other-team-data', blob: 'x.ndjson' }, 'body.warmPlan.source.container', 'WARM_BLOB_CONTAINERS'],
  ])('%o is refused when saved', async (source, field, why) => {
    const mapping = source.kind === 'redis' ? {} : { mapping: { key: 'sec-input:s:{id}' } };
    const res = await host.api('PUT', '/api/clusters/fz/namespaces/ssrf', { as: 'operator', body: { keyPattern: 'sec-input:s:*', warmPlan: { source, ...mapping } } });
    expect(problem(res)).toMatchObject({ status: 400, code: 'warm_source_refused', fields: [field] });
    expect(res.json.errors[0].message).toContain(why);
  });
});

describe('attack: edges (11)', () => {
  it('an unknown dashboard asset is a problem+json 404', async () => {
    const res = await host.raw('GET', '/api/dashboard/assets/..%2f..%2fetc%2fpasswd');
    expect(problem(res)).toMatchObject({ status: 404, type: 'application/problem+json', code: 'asset_not_found' });
    expect(problem(await host.raw('GET', '/api/dashboard/assets/nope.js'))).toMatchObject({ status: 404, type: 'application/problem+json' });
  });

  it.each([['NUL', 'a\u0000b'], ['a newline', 'a\nb'], ['ESC', 'a\u001b[31m'], ['right-to-left override', 'abc\u202edcba'], ['first strong isolate', '\u2068x\u2069']])('a label with %s is refused', async (_name, value) => {
    const res = await host.api('PUT', '/api/clusters/ctrl', { body: { mode: 'standalone', endpoints: [{ host: '127.0.0.1', port: 6390 }], secretRef: { kind: 'none' }, labels: { team: value } } });
    expect(problem(res)).toMatchObject({ status: 400, code: 'validation_failed', fields: ['body.labels.team'] });
  });

  it('nothing above leaked the storage key into any answer or log line', () => {
    expect(host.proc.output()).not.toContain(storageKey);
  });
});

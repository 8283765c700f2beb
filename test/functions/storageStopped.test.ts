import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startHost, type RunningHost } from '../../tools/host';
import { spawnAzurite, type AzuriteProcess } from '../../tools/local';
import { blobServiceClient, storageTarget, tableClient } from '../../shared/platform/storage/storageClients';
import { isStorageUnavailableError } from '../../shared/platform/storage/storageDeadline';
import { uniqueContainerName, uniqueTableName } from '../helpers/storage';

// Issue #12 item 13: Azurite frozen with SIGSTOP (it accepts connections — the kernel does — but never answers).
// Before: admin calls hung as long as it was stopped (20.9 s for 20 s). Now every Table and Blob call has a deadline
// (STORAGE_TIMEOUT_MS, 2500 ms by default): 503 storage_unavailable + Retry-After within 3 s, health says storage
// failed, and once Azurite runs again (SIGCONT) the same host answers normally, with no restart.
const repoRoot = resolve(__dirname, '..', '..');
const apiKey = 'storage-stopped-admin-key-0123456789';
const { host: redisHost, port: redisPort } = inject('redisStandalone');
let azurite: AzuriteProcess;
let host: RunningHost;
let stopped = false;

beforeAll(async () => {
  azurite = await spawnAzurite(); // its own: SIGSTOP must not freeze the shared one
  host = await startHost({
    appDir: repoRoot,
    port: 0,
    settings: { AzureWebJobsStorage: azurite.connectionString, API_KEYS: `ops:admin:${apiKey}`, STATE_TABLE_PREFIX: uniqueTableName('stop') },
    log: () => undefined,
  });
});

afterAll(async () => {
  if (stopped) process.kill(azurite.pid, 'SIGCONT');
  await host?.stop();
  await azurite?.stop();
});

async function call(method: string, path: string, body?: unknown): Promise<{ status: number; text: string; retryAfter: string | null; ms: number }> {
  const started = performance.now();
  const res = await fetch(`${host.url}${path}`, {
    method,
    headers: { 'x-functions-key': host.keys.functionKey, 'x-api-key': apiKey, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, text, retryAfter: res.headers.get('retry-after'), ms: performance.now() - started };
}

const cluster = { mode: 'standalone', endpoints: [{ host: redisHost, port: redisPort }], secretRef: { kind: 'none' } };

describe('storage frozen (SIGSTOP), then thawed (SIGCONT)', () => {
  it('admin PUTs and GETs answer 503 storage_unavailable within 3 s, health says so, and all recovers', async () => {
    expect((await call('PUT', '/api/clusters/frozen', cluster)).status).toBe(201);
    expect((await call('PUT', '/api/clusters/frozen/namespaces/a', { keyPattern: 'a:*' })).status).toBe(201);

    process.kill(azurite.pid, 'SIGSTOP');
    stopped = true;
    const healthStarted = performance.now();
    const [put, putNs, get, list, getNs, health] = await Promise.all([
      call('PUT', '/api/clusters/frozen2', cluster),
      call('PUT', '/api/clusters/frozen/namespaces/b', { keyPattern: 'b:*' }),
      call('GET', '/api/clusters/frozen'),
      call('GET', '/api/clusters'),
      call('GET', '/api/clusters/frozen/namespaces/a'),
      fetch(`${host.url}/api/health`).then(async (r) => ({ status: r.status, body: (await r.json()) as { dependencies: { storage: { status: string; reason?: string } } } })),
    ]);
    const healthMs = performance.now() - healthStarted;
    for (const [name, res] of Object.entries({ put, putNs, get, list, getNs })) {
      expect(res.status, `${name}: ${res.text}`).toBe(503);
      expect(JSON.parse(res.text), name).toMatchObject({ status: 503, code: 'storage_unavailable' });
      expect(res.retryAfter, name).toMatch(/^\d+$/);
      expect(res.ms, `${name} answered in ${Math.round(res.ms)} ms`).toBeLessThan(3000);
      expect(res.text).not.toMatch(/AccountKey|at .*\.js/);
    }
    expect(health.status).toBe(503);
    expect(health.body.dependencies.storage.status).toBe('failed');
    expect(healthMs).toBeLessThan(3000);

    process.kill(azurite.pid, 'SIGCONT');
    stopped = false;
    // The same host, no restart: the SDK opens new connections; state written before the freeze is all there.
    expect((await call('GET', '/api/clusters/frozen/namespaces/a')).status).toBe(200);
    expect((await call('PUT', '/api/clusters/frozen/namespaces/c', { keyPattern: 'c:*' })).status).toBe(201);
    expect((await fetch(`${host.url}/api/health`)).status).not.toBe(503);
  }, 30_000);

  it('direct Table and Blob calls fail as StorageUnavailableError within the deadline', async () => {
    const target = { ...storageTarget({ AzureWebJobsStorage: azurite.connectionString }), timeoutMs: 1000 };
    const table = tableClient(target, uniqueTableName('dl'));
    await table.createTable();
    const blobs = blobServiceClient(target);
    const container = blobs.getContainerClient(uniqueContainerName('dl'));
    await container.create();
    process.kill(azurite.pid, 'SIGSTOP');
    stopped = true;
    try {
      for (const attempt of [() => table.getEntity('p', 'r'), () => container.getBlockBlobClient('b').upload('x', 1), () => container.getProperties()]) {
        const started = performance.now();
        const error = await attempt().then(() => undefined, (e: unknown) => e);
        expect(isStorageUnavailableError(error), String(error)).toBe(true);
        expect(performance.now() - started).toBeLessThan(2000);
      }
    } finally {
      process.kill(azurite.pid, 'SIGCONT');
      stopped = false;
    }
    await container.getBlockBlobClient('b').upload('x', 1);
    expect((await container.getBlockBlobClient('b').downloadToBuffer()).toString()).toBe('x');
  }, 30_000);
});

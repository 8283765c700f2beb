import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHost, type RunningHost } from '../../tools/host';
import { freePort } from '../../tools/local';
import { azuriteConnectionString } from '../helpers/storage';

// The real app (dist/) with its control-plane storage pointing at a port where nothing listens.
const repoRoot = resolve(__dirname, '..', '..');
const apiKey = 'storage-down-admin-key-0123456789';
let host: RunningHost;

beforeAll(async () => {
  const port = await freePort();
  const deadStorage = azuriteConnectionString().replace(/TableEndpoint=http:\/\/[^/;]+/, `TableEndpoint=http://127.0.0.1:${port}`);
  host = await startHost({
    appDir: repoRoot,
    port: 0,
    settings: { AzureWebJobsStorage: deadStorage, API_KEYS: `ops:admin:${apiKey}` },
    log: () => undefined,
  });
});

afterAll(async () => {
  await host?.stop();
});

describe('admin API with storage down', () => {
  it('answers 503 storage_unavailable with Retry-After, not a 500, and leaks nothing', async () => {
    const res = await fetch(`${host.url}/api/clusters`, { headers: { 'x-functions-key': host.keys.functionKey, 'x-api-key': apiKey } });
    const text = await res.text();
    expect(res.status).toBe(503);
    expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(res.headers.get('retry-after')).toBe('5');
    expect(JSON.parse(text)).toMatchObject({ status: 503, code: 'storage_unavailable' });
    expect(text).not.toMatch(/ECONNREFUSED|at .*\.js|AccountKey/);
  });
});

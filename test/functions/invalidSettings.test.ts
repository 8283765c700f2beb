import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHost, type RunningHost } from '../../tools/host';
import { azuriteConnectionString, uniqueTableName } from '../helpers/storage';

// A setting out of range (here JOB_CHUNK_BUDGET_MS below its 500 ms minimum) used to make every function answer a
// bare 500 internal_error, leaving the operator to find the cause in the log. The answer now names the setting and
// what is wrong with it, never its value, and nothing is changed.
const repoRoot = resolve(__dirname, '..', '..');
const apiKey = 'invalid-settings-admin-key-0123456789';
let host: RunningHost;

beforeAll(async () => {
  host = await startHost({
    appDir: repoRoot,
    port: 0,
    settings: { AzureWebJobsStorage: azuriteConnectionString(), API_KEYS: `ops:admin:${apiKey}`, STATE_TABLE_PREFIX: uniqueTableName('bad'), JOB_CHUNK_BUDGET_MS: '100', STORAGE_TIMEOUT_MS: 'soon' },
    log: () => undefined,
  });
});

afterAll(async () => {
  await host?.stop();
});

describe('invalid app settings', () => {
  it('answer 500 invalid_settings naming each bad setting, without its value', async () => {
    for (const [method, path] of [['GET', '/api/clusters'], ['PUT', '/api/clusters/x']] as const) {
      const res = await fetch(`${host.url}${path}`, {
        method,
        headers: { 'x-functions-key': host.keys.functionKey, 'x-api-key': apiKey, 'content-type': 'application/json' },
        ...(method === 'PUT' ? { body: JSON.stringify({ mode: 'standalone', endpoints: [{ host: '127.0.0.1', port: 1 }], secretRef: { kind: 'none' } }) } : {}),
      });
      const body = (await res.json()) as { code: string; detail: string };
      expect(res.status).toBe(500);
      expect(body.code).toBe('invalid_settings');
      expect(body.detail).toContain("'JOB_CHUNK_BUDGET_MS'");
      expect(body.detail).toContain("'STORAGE_TIMEOUT_MS'");
      expect(body.detail).not.toMatch(/soon|\b100\b|at .*\.js/);
    }
  });
});

import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startHost, type RunningHost } from '../../tools/host';
import { connectCluster, keyPrefix } from '../helpers/redis';
import { azuriteConnectionString, uniqueTableName } from '../helpers/storage';

// The real app from dist/ (as `npm start` and `func start` load it), driven over HTTP: register the harness's
// standalone server and 6-node cluster, then read topology, health and a key through the admin API.
const repoRoot = resolve(__dirname, '..', '..');
const apiKey = 'cluster-ops-admin-key-0123456789';
let host: RunningHost;

beforeAll(async () => {
  host = await startHost({
    appDir: repoRoot,
    port: 0,
    settings: { AzureWebJobsStorage: azuriteConnectionString(), STATE_TABLE_PREFIX: uniqueTableName('ops'), API_KEYS: `ops:admin:${apiKey}` },
    log: () => undefined,
  });
});

afterAll(async () => {
  await host?.stop();
});

async function api(method: string, path: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`${host.url}/api${path}`, {
    method,
    headers: { 'x-functions-key': host.keys.functionKey, 'x-api-key': apiKey, ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, json: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

describe('cluster operations through the local host', () => {
  it('registers the 6-node cluster and reads its topology and a clean health report', async () => {
    const seeds = inject('redisCluster').seeds;
    expect((await api('PUT', '/clusters/e2e-cluster', { mode: 'cluster', endpoints: seeds, secretRef: { kind: 'none' } })).status).toBe(201);
    const topology = await api('GET', '/clusters/e2e-cluster/topology');
    expect(topology.status).toBe(200);
    const nodes = topology.json['nodes'] as Array<{ role: string }>;
    expect(nodes).toHaveLength(6);
    expect(nodes.filter((n) => n.role === 'master')).toHaveLength(3);
    const health = await api('GET', '/clusters/e2e-cluster/health');
    expect(health.status).toBe(200);
    expect(health.json).toMatchObject({ verdict: 'ok', redisCliVerdict: 'ok' });
  });

  it('inspects a key written to the cluster, and answers 404 for a missing one', async () => {
    const key = `${keyPrefix('inspect')}user:42`;
    const redis = connectCluster();
    await redis.set(key, 'x'.repeat(100), 'EX', 600);
    const found = await api('GET', `/clusters/e2e-cluster/keys/${encodeURIComponent(key)}`);
    expect(found.status).toBe(200);
    expect(found.json).toMatchObject({ type: 'string' });
    expect(found.json['slot']).toBe(await redis.cluster('KEYSLOT', key));
    expect((await api('GET', `/clusters/e2e-cluster/keys/${encodeURIComponent(key + ':missing')}`)).status).toBe(404);
  });

  it('answers 404 for an unknown cluster', async () => {
    const res = await api('GET', '/clusters/never-registered/topology');
    expect(res.status).toBe(404);
  });
});

import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHost, type RunningHost } from '../../tools/host';
import { redisText } from '../../tools/local';
import { RedisConnectionManager } from '../../shared/platform/redis/RedisConnectionManager';
import { RedisAccessError } from '../../shared/platform/redis/redisErrors';
import { useOwnCluster } from '../helpers/redis';
import { azuriteConnectionString, uniqueTableName } from '../helpers/storage';
import { testTarget } from './targets';

// Issue #12 item 16: 50 clients on GET …/topology of one cluster gave 14–22 `503 redis_busy` (each request took a
// bulkhead slot for its own full collection). Identical reads now share one collection (single flight), so every
// reader gets a 200 and Redis sees a handful of collections, while the bulkhead still refuses work that differs.
const own = useOwnCluster(); // its own: the test counts CLUSTER NODES calls on a node
const repoRoot = resolve(__dirname, '..', '..');
const apiKey = 'shared-reads-reader-key-0123456789';
let host: RunningHost;

beforeAll(async () => {
  host = await startHost({
    appDir: repoRoot,
    port: 0,
    settings: { AzureWebJobsStorage: azuriteConnectionString(), API_KEYS: `ops:admin:${apiKey}`, STATE_TABLE_PREFIX: uniqueTableName('sf') },
    log: () => undefined,
  });
});
afterAll(async () => {
  await host?.stop();
});

async function call(method: string, path: string, body?: unknown): Promise<{ status: number; text: string }> {
  const res = await fetch(`${host.url}${path}`, {
    method,
    headers: { 'x-functions-key': host.keys.functionKey, 'x-api-key': apiKey, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, text: await res.text() };
}

/** `CLUSTER NODES` calls a node has served so far (one per collection that asked it). */
async function clusterNodesCalls(node: { host: string; port: number }): Promise<number> {
  const stats = await redisText(node.host, node.port, ['INFO', 'commandstats']);
  return Number(/cmdstat_cluster\|nodes:calls=(\d+)/.exec(stats)?.[1] ?? /cmdstat_cluster:calls=(\d+)/.exec(stats)?.[1] ?? 0);
}

describe('identical reads of one cluster share one collection', () => {
  it('50 concurrent GET topology and GET health: all 200, no redis_busy, a few collections', async () => {
    expect((await call('PUT', '/api/clusters/sf', { mode: 'cluster', endpoints: own.cluster.seeds, secretRef: { kind: 'none' } })).status).toBe(201);
    expect((await call('GET', '/api/clusters/sf/topology')).status).toBe(200); // connections opened
    const node = own.cluster.nodes[0] as { host: string; port: number };
    const before = await clusterNodesCalls(node);
    for (const route of ['topology', 'health']) {
      const answers = await Promise.all(Array.from({ length: 50 }, () => call('GET', `/api/clusters/sf/${route}`)));
      const statuses = answers.map((a) => a.status);
      expect(statuses.filter((s) => s !== 200), `${route}: ${answers.find((a) => a.status !== 200)?.text}`).toEqual([]);
      expect(JSON.parse((answers[0] as { text: string }).text)).toBeTypeOf('object');
    }
    const collections = (await clusterNodesCalls(node)) - before;
    // Unshared, 100 reads are 100 collections; shared, only reads that find none in flight start one (15 measured).
    expect(collections).toBeGreaterThan(0);
    expect(collections, `${collections} collections for 100 reads`).toBeLessThanOrEqual(50);
    console.log(`shared reads: ${collections} CLUSTER NODES calls on one node for 100 reads`);
  }, 60_000);

  it('the bulkhead still refuses different work beyond its bounds; shared reads pass it as one', async () => {
    const manager = new RedisConnectionManager({ bulkhead: { maxConcurrent: 1, maxQueued: 0 } });
    try {
      const target = testTarget('cluster', own.cluster.seeds);
      await manager.run(target, async (c) => c.client());
      let executions = 0;
      const slowRead = async (): Promise<string> => {
        executions += 1;
        await sleep(200);
        return 'same';
      };
      const shared = await Promise.all(Array.from({ length: 20 }, () => manager.runShared(target, 'slow', slowRead)));
      expect(shared).toEqual(Array(20).fill('same'));
      expect(executions).toBe(1);

      const separate = await Promise.allSettled(Array.from({ length: 5 }, () => manager.run(target, slowRead)));
      const busy = separate.filter((r) => r.status === 'rejected' && r.reason instanceof RedisAccessError && r.reason.code === 'redis_busy');
      expect(busy.length).toBe(4);

      // A failure is not remembered: the next shared read runs again.
      await expect(manager.runShared(target, 'failing', () => Promise.reject(new Error('boom')))).rejects.toThrow();
      expect(await manager.runShared(target, 'failing', async () => 'ok')).toBe('ok');
    } finally {
      await manager.closeAll();
    }
  }, 30_000);
});

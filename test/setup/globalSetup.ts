import type { TestProject } from 'vitest/node';
import { spawnAzurite, spawnRedis, spawnRedisCluster } from '../../tools/local/index';
import type { ProvidedRedisNode } from './providedContext';

/**
 * Starts one standalone redis-server, one 3×1 Redis Cluster and one Azurite in parallel for the whole run and
 * always stops them in teardown (and the orphan watchdog kills them if this process dies instead).
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const started = Date.now();
  const results = await Promise.allSettled([timed('redis', spawnRedis()), timed('cluster', spawnRedisCluster()), timed('azurite', spawnAzurite())]);
  const stopAll = async (): Promise<void> => {
    await Promise.all(results.map((r) => (r.status === 'fulfilled' ? r.value.stop() : undefined)));
  };
  const [redis, cluster, azurite] = results;
  if (redis?.status !== 'fulfilled' || cluster?.status !== 'fulfilled' || azurite?.status !== 'fulfilled') {
    await stopAll();
    const reasons = results.flatMap((r) => (r.status === 'rejected' ? [String(r.reason)] : []));
    throw new Error(`test processes failed to start:\n${reasons.join('\n')}`);
  }
  const node = (role: ProvidedRedisNode['role']) => (n: { host: string; port: number; pid: number }): ProvidedRedisNode => ({
    host: n.host,
    port: n.port,
    pid: n.pid,
    role,
  });
  project.provide('redisStandalone', { host: redis.value.host, port: redis.value.port, url: redis.value.url });
  project.provide('redisCluster', {
    seeds: cluster.value.seeds,
    nodes: [...cluster.value.masters.map(node('master')), ...cluster.value.replicas.map(node('replica'))],
  });
  const { connectionString, blobEndpoint, queueEndpoint, tableEndpoint } = azurite.value;
  project.provide('azurite', { connectionString, blobEndpoint, queueEndpoint, tableEndpoint });
  if (process.env['RCM_TEST_VERBOSE'] !== undefined || process.env['CI'] !== undefined) {
    console.log(`[globalSetup] test processes ready in ${Date.now() - started} ms`);
  }
  return stopAll;
}

async function timed<T>(name: string, promise: Promise<T>): Promise<T> {
  const started = Date.now();
  const value = await promise;
  if (process.env['RCM_TEST_VERBOSE'] !== undefined) console.log(`[globalSetup] ${name} ready in ${Date.now() - started} ms`);
  return value;
}

import { createHash } from 'node:crypto';
import { Cluster } from 'ioredis';
import { clusterRoutes } from '../../shared/admin/clusters/clusterRoutes';
import { loadJobKind } from '../../shared/app/jobKinds';
import type { ControlPlane } from '../../shared/platform/controlPlane';
import { jobRuntime } from '../../shared/platform/jobs/jobRuntime';
import { runJobChunk } from '../../shared/platform/jobs/runJobChunk';
import { freeClusterPort, redisText, spawnRedis, type RedisClusterProcesses, type RedisProcess } from '../../tools/local/index';
import { callRoutes } from '../controlplane/api';

/** Registers a cluster through the admin API. */
export async function register(cp: ControlPlane, id: string, seeds: { host: string; port: number }[]): Promise<void> {
  const res = await callRoutes(cp, clusterRoutes, { method: 'PUT', path: `/clusters/${id}`, params: { id }, body: { mode: 'cluster', endpoints: seeds, secretRef: { kind: 'none' } } });
  if (res.status >= 300) throw new Error(`register ${id}: ${res.status} ${JSON.stringify(res.json)}`);
}

/** Starts an empty cluster-enabled master and makes it meet the cluster; resolves once every node lists it. */
export async function addEmptyMaster(cluster: RedisClusterProcesses): Promise<{ node: RedisProcess; id: string }> {
  const node = await spawnRedis({ port: await freeClusterPort(), args: ['--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf', '--cluster-node-timeout', '2000', '--cluster-announce-ip', '127.0.0.1'] });
  const id = await redisText(node.host, node.port, ['CLUSTER', 'MYID']);
  const first = cluster.masters[0] as RedisProcess;
  await redisText(node.host, node.port, ['CLUSTER', 'MEET', first.host, String(first.port)]);
  const deadline = Date.now() + 20_000;
  for (;;) {
    const views = await Promise.all([...cluster.nodes, node].map((n) => redisText(n.host, n.port, ['CLUSTER', 'NODES'])));
    // cluster_state:ok on the new master too: it joins writable ~2 s after start, CLUSTERDOWN to RESTORE before.
    const states = await Promise.all([...cluster.nodes, node].map((n) => redisText(n.host, n.port, ['CLUSTER', 'INFO'])));
    if (views.every((v) => v.includes(id) && !v.includes('handshake') && v.split('\n').filter((l) => l.trim() !== '').length === cluster.nodes.length + 1) && states.every((s) => s.includes('cluster_state:ok'))) break;
    if (Date.now() > deadline) throw new Error(`node ${id} did not join: ${views.join('\n---\n')}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return { node, id };
}

/** Writes `count` keys (use a client with `enableAutoPipelining`) of `valueBytes` bytes spread over every slot (`prefix` + index), in pipelines. */
export async function fill(client: Cluster, prefix: string, count: number, valueBytes: number): Promise<void> {
  for (let start = 0; start < count; start += 2000) {
    const writes: Promise<unknown>[] = [];
    for (let i = start; i < Math.min(count, start + 2000); i++) writes.push(client.set(`${prefix}${i}`, `${i}:`.padEnd(valueBytes, 'x')));
    await Promise.all(writes);
  }
}

/** Key count and a checksum of every key and value of the cluster, read from each master directly. */
export async function fingerprint(cluster: RedisClusterProcesses, extra: RedisProcess[] = []): Promise<{ keys: number; checksum: string }> {
  const entries: string[] = [];
  const { Redis } = await import('ioredis');
  for (const node of [...cluster.masters, ...extra]) {
    const role = await redisText(node.host, node.port, ['ROLE']).catch(() => 'down');
    if (!role.startsWith('master')) continue;
    const redis = new Redis({ host: node.host, port: node.port, lazyConnect: true });
    await redis.connect();
    try {
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'COUNT', 1000);
        cursor = next;
        if (keys.length === 0) continue;
        // By value, not DUMP: a RESTOREd hash may serialize its fields in another order. Strings and hashes only.
        const types = (await keys.reduce((p, k) => p.type(k), redis.pipeline()).exec()) ?? [];
        const pipeline = redis.pipeline();
        keys.forEach((key, i) => (types[i]?.[1] === 'hash' ? pipeline.hgetall(key) : pipeline.get(key)));
        const values = (await pipeline.exec()) ?? [];
        keys.forEach((key, i) => {
          const value = values[i]?.[1];
          const text = typeof value === 'string' || value === null ? String(value) : JSON.stringify(Object.entries(value as Record<string, string>).sort());
          entries.push(`${key}=${createHash('sha1').update(text).digest('hex')}`);
        });
      } while (cursor !== '0');
    } finally {
      redis.disconnect();
    }
  }
  return digest(entries);
}

/** The fingerprint `fingerprint` would give for exactly these string keys and values (for states whose keys cannot all be read). */
export function fingerprintOf(pairs: Iterable<[string, string]>): { keys: number; checksum: string } {
  return digest([...pairs].map(([key, value]) => `${key}=${createHash('sha1').update(value).digest('hex')}`));
}

function digest(entries: string[]): { keys: number; checksum: string } {
  entries.sort();
  return { keys: entries.length, checksum: createHash('sha256').update(entries.join('\n')).digest('hex') };
}

/** Runs the job's chunks in this process (as the runner and sweeper would) until it is final. */
export async function runToEnd(cp: ControlPlane, jobId: string, maxChunks = 100, log: (m: string) => void = () => undefined): Promise<string> {
  const rt = { ...(await jobRuntime(cp)), kinds: loadJobKind, log };
  for (let i = 0; i < maxChunks; i++) {
    const result = await runJobChunk(jobId, rt);
    if (result.outcome === 'ran' && result.status !== 'running') return result.status;
    if (result.outcome !== 'ran') await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`job ${jobId} not finished after ${maxChunks} chunks`);
}

/** Every master's open slots (CLUSTER NODES `[slot->-id]` / `[slot-<-id]` tokens). */
export async function openSlots(nodes: RedisProcess[]): Promise<string[]> {
  const views = await Promise.all(nodes.map((n) => redisText(n.host, n.port, ['CLUSTER', 'NODES']).catch(() => '')));
  return views.flatMap((v) => v.split('\n').filter((l) => l.includes('myself')).flatMap((l) => l.match(/\[\d+-[<>]-\w+\]/g) ?? []));
}

/** A cluster-enabled redis-server that has met nobody (what an operator starts before add-node). */
export async function spawnLoneNode(): Promise<{ node: RedisProcess; id: string }> {
  const node = await spawnRedis({ port: await freeClusterPort(), args: ['--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf', '--cluster-node-timeout', '2000', '--cluster-announce-ip', '127.0.0.1'] });
  return { node, id: await redisText(node.host, node.port, ['CLUSTER', 'MYID']) };
}

/** Nodes (of `nodes`, each asked for its own CLUSTER NODES) that still list `id`. */
export async function nodesListing(nodes: RedisProcess[], id: string): Promise<string[]> {
  const views = await Promise.all(nodes.map(async (n) => ({ n, view: await redisText(n.host, n.port, ['CLUSTER', 'NODES']).catch(() => '') })));
  return views.filter(({ n, view }) => view.split('\n').some((l) => l.startsWith(id) && !l.includes('myself')) && n.port > 0).map(({ n }) => `${n.host}:${n.port}`);
}

import { Readable } from 'node:stream';
import type { BlobServiceClient } from '@azure/storage-blob';
import type { Cluster, Redis } from 'ioredis';
import type { RedisTarget } from '../platform/redis/RedisTarget';
import { withRedis } from '../platform/redis/redisConnections';
import { sourceNodes } from './sources/sourceNodes';

export interface HotSetOptions {
  /** Keys kept: the hottest N. @default 10000 */
  topN?: number;
  /** Keys looked at (SCAN over every master) before choosing. @default 200000 */
  maxScan?: number;
}

export interface HotSetSnapshot {
  container: string;
  blob: string;
  keys: number;
  scanned: number;
  /** `lfu`: ranked by OBJECT FREQ (LFU policies); `idle`: by OBJECT IDLETIME, least idle first. */
  rankedBy: 'lfu' | 'idle';
  takenAt: string;
}

/** First line of a snapshot blob; the rest are `{"k": base64 key, "d": base64 DUMP, "t": PTTL ms or -1}`. */
export interface SnapshotHeader {
  snapshot: { clusterId: string; namespace: string; keyPattern: string; takenAt: string; rankedBy: 'lfu' | 'idle'; keys: number };
}

/**
 * Takes a hot-set snapshot of a namespace: SCAN its keys on every master (bounded by `maxScan`), rank them by LFU
 * frequency when the eviction policy is LFU (OBJECT FREQ), else by idle time (OBJECT IDLETIME, which does not touch
 * the key), keep the top N (bounded memory: the candidate list is cut back to N whenever it doubles), then DUMP +
 * PTTL them and stream NDJSON to Blob Storage. Restoring it is a warm with a `snapshot` source.
 */
export async function takeHotSetSnapshot(
  target: RedisTarget,
  namespace: { namespace: string; keyPattern: string },
  blobs: BlobServiceClient,
  container: string,
  options: HotSetOptions = {},
): Promise<HotSetSnapshot> {
  const topN = options.topN ?? 10_000;
  const maxScan = options.maxScan ?? 200_000;
  const nodes = await withRedis(target, (c) => sourceNodes(c, 'master'));
  const policy = await withRedis(target, async (c) => {
    const first = nodes[0];
    if (!first) return '';
    const reply = (await (await c.node(first.address)).call('CONFIG', 'GET', 'maxmemory-policy').catch(() => [])) as string[];
    return reply[1] ?? '';
  });
  const rankedBy: 'lfu' | 'idle' = policy.includes('lfu') ? 'lfu' : 'idle';
  let candidates: { key: Buffer; score: number }[] = [];
  let scanned = 0;
  for (const { address } of nodes) {
    let cursor = '0';
    do {
      const page = await withRedis(target, async (c) => {
        const node = await c.node(address);
        const [next, keys] = await node.scanBuffer(cursor, 'MATCH', namespace.keyPattern, 'COUNT', 1000);
        const pipeline = node.pipeline();
        for (const key of keys) pipeline.call('OBJECT', rankedBy === 'lfu' ? 'FREQ' : 'IDLETIME', key);
        const replies = keys.length > 0 ? ((await pipeline.exec()) ?? []) : [];
        return { next: String(next), scored: keys.map((key, i) => ({ key, reply: replies[i] })) };
      });
      cursor = page.next;
      for (const { key, reply } of page.scored) {
        if (!reply || reply[0]) continue; // the key went away
        const n = Number(reply[1]);
        candidates.push({ key, score: rankedBy === 'lfu' ? n : -n });
      }
      scanned += page.scored.length;
      if (candidates.length >= topN * 2) candidates = top(candidates, topN);
    } while (cursor !== '0' && scanned < maxScan);
    if (scanned >= maxScan) break;
  }
  const hottest = top(candidates, topN);
  const takenAt = new Date().toISOString();
  const blob = `${target.id}/${namespace.namespace}/${takenAt.replace(/[:.]/g, '-')}.ndjson`;
  const header: SnapshotHeader = { snapshot: { clusterId: target.id, namespace: namespace.namespace, keyPattern: namespace.keyPattern, takenAt, rankedBy, keys: 0 } };
  let written = 0;
  async function* lines(): AsyncGenerator<string> {
    yield `${JSON.stringify(header)}\n`;
    for (let i = 0; i < hottest.length; i += 500) {
      const keys = hottest.slice(i, i + 500).map((c) => c.key);
      const replies = await withRedis(target, async (c) => {
        const client: Redis | Cluster = await c.client();
        const pipeline = client.pipeline();
        for (const key of keys) pipeline.dumpBuffer(key).pttl(key);
        return (await pipeline.exec()) ?? [];
      });
      let out = '';
      keys.forEach((key, k) => {
        const [error, dump] = replies[k * 2] ?? [null, null];
        const pttl = Number((replies[k * 2 + 1] ?? [null, -2])[1]);
        if (error || !Buffer.isBuffer(dump) || pttl === -2) return;
        written += 1;
        out += `${JSON.stringify({ k: key.toString('base64'), d: dump.toString('base64'), t: pttl })}\n`;
      });
      if (out) yield out;
    }
  }
  const containerClient = blobs.getContainerClient(container);
  await containerClient.createIfNotExists();
  await containerClient.getBlockBlobClient(blob).uploadStream(Readable.from(lines()), 4 * 1024 * 1024, 2, {
    metadata: { takenat: takenAt, rankedby: rankedBy, namespace: namespace.namespace },
    blobHTTPHeaders: { blobContentType: 'application/x-ndjson' },
  });
  return { container, blob, keys: written, scanned, rankedBy, takenAt };
}

function top(list: { key: Buffer; score: number }[], n: number): { key: Buffer; score: number }[] {
  return list.sort((a, b) => b.score - a.score).slice(0, n);
}

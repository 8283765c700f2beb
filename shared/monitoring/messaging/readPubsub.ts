import type { Redis } from 'ioredis';
import type { PubsubClient, PubsubInfo } from './MessagingSnapshot';

/** Channels whose subscriber counts are read, and clients kept in the snapshot. */
const topN = 20;

/**
 * Pub/Sub of one node in one pipeline: `PUBSUB CHANNELS`, `NUMPAT`, `SHARDCHANNELS`, `CLIENT LIST TYPE pubsub`,
 * `CONFIG GET client-output-buffer-limit`, then `PUBSUB NUMSUB` for up to 20 channels. A subscriber whose output
 * buffer (`omem`) reaches the pubsub limit is disconnected by Redis and loses every message in it; the ratio to
 * the limit is what the `pubsub_buffer_near_limit` alert watches. CONFIG refused (managed caches) → no ratio.
 */
export async function readPubsub(node: Redis): Promise<{ pubsub: PubsubInfo; commands: number }> {
  const replies =
    (await node
      .pipeline()
      .call('PUBSUB', 'CHANNELS')
      .call('PUBSUB', 'NUMPAT')
      .call('PUBSUB', 'SHARDCHANNELS')
      .call('CLIENT', 'LIST', 'TYPE', 'pubsub')
      .call('CONFIG', 'GET', 'client-output-buffer-limit')
      .exec()) ?? [];
  const ok = (i: number): unknown => (replies[i]?.[0] ? null : replies[i]?.[1]);
  const channels = Array.isArray(ok(0)) ? (ok(0) as unknown[]).map(String) : [];
  const limit = outputBufferLimit(ok(4));
  const clients = String(ok(3) ?? '')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => clientOf(line, limit));
  let commands = 5;
  let topChannels: PubsubInfo['topChannels'] = [];
  if (channels.length > 0) {
    const numsub = (await node.call('PUBSUB', 'NUMSUB', ...channels.slice(0, 1000))) as unknown[];
    commands += 1;
    for (let i = 0; i + 1 < numsub.length; i += 2) topChannels.push({ channel: String(numsub[i]), subscribers: Number(numsub[i + 1]) });
    topChannels = topChannels.sort((a, b) => b.subscribers - a.subscribers).slice(0, topN);
  }
  const byBuffer = clients.sort((a, b) => b.omemBytes - a.omemBytes);
  const maxOmemBytes = byBuffer[0]?.omemBytes ?? 0;
  return {
    commands,
    pubsub: {
      channels: channels.length,
      patterns: Number(ok(1) ?? 0),
      shardChannels: Array.isArray(ok(2)) ? (ok(2) as unknown[]).length : 0,
      topChannels,
      subscriberClients: clients.length,
      clients: byBuffer.slice(0, topN),
      outputBufferLimitBytes: limit,
      maxOmemBytes,
      maxLimitRatio: limit === null ? null : clients.length === 0 ? 0 : maxOmemBytes / limit,
    },
  };
}

function clientOf(line: string, limit: number | null): PubsubClient {
  const fields = new Map(line.split(' ').map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)] as const));
  const omemBytes = Number(fields.get('omem') ?? 0);
  return {
    id: fields.get('id') ?? '',
    addr: fields.get('addr') ?? '',
    name: fields.get('name') ?? '',
    subscriptions: Number(fields.get('sub') ?? 0) + Number(fields.get('ssub') ?? 0),
    patterns: Number(fields.get('psub') ?? 0),
    omemBytes,
    limitRatio: limit === null ? null : omemBytes / limit,
  };
}

/**
 * `client-output-buffer-limit` reads `normal 0 0 0 replica 268435456 67108864 60 pubsub 33554432 8388608 60`:
 * the pubsub class's hard limit disconnects at once, its soft limit after being exceeded for N seconds; the smaller
 * non-zero one is where messages start being lost.
 */
export function outputBufferLimit(reply: unknown): number | null {
  if (!Array.isArray(reply) || reply.length < 2) return null;
  const words = String(reply[1]).split(/\s+/);
  const at = words.indexOf('pubsub');
  if (at < 0) return null;
  const limits = [Number(words[at + 1]), Number(words[at + 2])].filter((n) => Number.isFinite(n) && n > 0);
  return limits.length ? Math.min(...limits) : null;
}

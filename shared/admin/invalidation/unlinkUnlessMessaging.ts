import { createHash } from 'node:crypto';
import type { Cluster, Redis } from 'ioredis';
import type { Counts } from '../../platform/jobs/JobRecord';
import { groupKeys } from '../../platform/keyspace/groupKeys';
import type { LatencyGuard } from '../../platform/keyspace/LatencyGuard';
import type { Command } from '../../platform/keyspace/pipelined';
import type { KeyspaceOperation } from '../../platform/keyspace/scanKeyspace';
import { countSkipped, dropMessagingKeys, isMessagingKey } from '../messaging/dropMessagingKeys';
import { unlinkKeys } from './unlinkKeys';
import { unlinkUnlessMessagingScript as script } from './unlinkUnlessMessagingScript';

const sha = createHash('sha1').update(script).digest('hex');
/** Keys per script call without the latency guard: about a millisecond of the server's time. */
const keysPerCall = 1000;
/** Node clients that refused the script (Redis < 7, EVAL disabled): TYPE/PTTL pipelines, then UNLINK, from then on. */
const scriptRefused = new WeakSet<Redis | Cluster>();
/** Refusals that say nothing about the script itself: this batch goes by pipeline, the script is kept for the next. */
const transient = /^(LOADING|BUSY|MASTERDOWN)\b/;
/**
 * The cluster's routing failing inside the script (a slot moved or migrating mid-batch), possibly after some of its
 * UNLINKs: the error goes to the engine, which re-discovers the topology and replays the written-ahead batch.
 */
const topology = /non local key|same slot|cluster is down|^(MOVED|ASK|TRYAGAIN|CLUSTERDOWN)\b/;

type Reply = [Error | null, unknown];

/**
 * Invalidation without `force`: one `unlinkUnlessMessaging` script call per 1000 keys of the batch (pipelined, one
 * round trip; with the latency guard, `guard.writeBatch` keys a round trip) checks every key's type and UNLINKs it
 * unless it is a stream or a queue (a list without a TTL). `deleted` counts the script's UNLINK replies,
 * `skippedMessaging` the keys it left. One round trip and one copy of the keys instead of a check and then an UNLINK.
 */
export const unlinkUnlessMessaging: KeyspaceOperation = {
  async apply(node, keys, counts, pace) {
    let rest = keys;
    if (!scriptRefused.has(node)) {
      const perCall = pace.guard.enabled ? pace.guard.writeBatch : keysPerCall;
      const slices: Buffer[][] = [];
      for (let i = 0; i < keys.length; i += perCall) slices.push(keys.slice(i, i + perCall));
      const replies = await withScript(node, slices, pace.guard);
      // Thrown before anything is counted: the replay counts the whole batch.
      const moved = replies.find(([error]) => error && topology.test(error.message));
      if (moved) throw moved[0];
      rest = [];
      let refusal: Error | undefined;
      replies.forEach(([error, reply], n) => {
        if (!error) return tally(counts, reply);
        // Any other error reply comes before the script runs (compiling, flags, ACL, renamed EVAL): nothing of
        // this call was deleted, so its keys go by pipeline.
        refusal ??= error;
        rest.push(...(slices[n] as Buffer[]));
      });
      if (!refusal) return;
      if (!transient.test(refusal.message)) scriptRefused.add(node);
    }
    const kept = await dropMessagingKeys(node, rest, counts, pace.guard);
    await unlinkKeys.apply(node, kept, counts, pace);
  },
  /**
   * A write-ahead batch of a holder that died: checked and unlinked again through the routing client (per slot,
   * the keys declared), and counted as deleted except the streams and queues found — every key matched and existed
   * when it was scanned, and whatever is not a stream or queue is gone now. SCAN's duplicates count once.
   */
  async recover(client, keys, counts) {
    const unique = [...new Map(keys.map((k) => [k.toString('latin1'), k])).values()];
    const kept = await Promise.all(groupKeys(unique, 'cluster', 100).map((group) => recoverGroup(client, group)));
    const skipped = kept.reduce((n, k) => n + k, 0);
    counts['deleted'] = (counts['deleted'] ?? 0) + unique.length - skipped;
    countSkipped(counts, skipped);
  },
};

function tally(counts: Counts, reply: unknown): void {
  if (!Array.isArray(reply) || !Array.isArray(reply[1])) throw new Error('unlinkUnlessMessaging returned an unexpected reply');
  counts['deleted'] = (counts['deleted'] ?? 0) + Number(reply[0]);
  countSkipped(counts, reply[1].length);
}

/** One call per slice, EVALSHA first; calls that find the script missing (NOSCRIPT) are sent again with its source. */
async function withScript(node: Redis, slices: Buffer[][], guard: LatencyGuard): Promise<Reply[]> {
  const replies = await send(node, slices.map((s): Command => ['evalsha', sha, 0, ...s]), guard);
  const missing = replies.flatMap(([error], n) => (error && /^NOSCRIPT/.test(error.message) ? [n] : []));
  if (missing.length === 0) return replies;
  const again = await send(node, missing.map((n): Command => ['eval', script, 0, ...(slices[n] as Buffer[])]), guard);
  missing.forEach((n, i) => (replies[n] = again[i] as Reply));
  return replies;
}

/** Replies with their errors, in order: one pipeline, or with the guard one call per round trip (fed back to it). */
async function send(node: Redis, calls: Command[], guard: LatencyGuard): Promise<Reply[]> {
  const replies: Reply[] = [];
  const step = guard.enabled ? 1 : calls.length;
  for (let i = 0; i < calls.length; i += step) {
    const start = performance.now();
    replies.push(...(((await node.pipeline(calls.slice(i, i + step) as unknown as Array<[string, ...unknown[]]>).exec()) ?? []) as Reply[]));
    guard.observe(performance.now() - start);
  }
  return replies;
}

/** Keys of one slot through the routing client; returns how many were left as streams or queues. */
async function recoverGroup(client: Redis | Cluster, keys: Buffer[]): Promise<number> {
  if (!scriptRefused.has(client)) {
    try {
      const reply = await client.evalsha(sha, keys.length, ...keys).catch((error: unknown) => {
        if (error instanceof Error && /^NOSCRIPT/.test(error.message)) return client.eval(script, keys.length, ...keys);
        throw error;
      });
      if (!Array.isArray(reply) || !Array.isArray(reply[1])) throw new Error('unlinkUnlessMessaging returned an unexpected reply');
      return reply[1].length;
    } catch (error) {
      if (!(error instanceof Error) || error.name !== 'ReplyError' || topology.test(error.message)) throw error;
      if (!transient.test(error.message)) scriptRefused.add(client);
    }
  }
  const checked = await Promise.all(keys.map(async (k) => ({ k, messaging: isMessagingKey(await client.type(k), await client.pttl(k)) })));
  const safe = checked.filter((c) => !c.messaging).map((c) => c.k);
  if (safe.length > 0) await client.unlink(...safe);
  return keys.length - safe.length;
}

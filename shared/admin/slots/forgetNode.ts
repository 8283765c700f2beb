import { setTimeout as sleep } from 'node:timers/promises';
import type { DomainEvent } from '../../platform/events/catalogue';
import type { ChunkFailed } from '../../platform/jobs/JobKind';
import type { JobRecord } from '../../platform/jobs/JobRecord';
import type { RedisConnection } from '../../platform/redis/RedisConnectionManager';
import { collectSnapshot, type NodeSnapshot } from '../../platform/topology/collectSnapshot';
import { parseClusterNodes, selfEntry } from '../../platform/topology/parseClusterNodes';
import { CLUSTER_SLOTS, formatRanges, toRanges } from '../../platform/topology/slotRanges';
import { slotViews } from './slotViews';

/** remove-node: the node CLUSTER FORGET removes once it owns no slot, and where its replicas go. */
export interface ForgetParams {
  id: string;
  host: string;
  port: number;
  /** CLUSTER RESET SOFT it at the end (unless the operator opted out or it does not answer). */
  reset: boolean;
  /** Where replicas of a removed master go (planned); a replica found later follows `fallbackMasterId`. */
  repoint: { id: string; toId: string }[];
  fallbackMasterId?: string;
}

const POLL_MS = 250;
const REPOINT_BOUND_MS = 30_000;
const ROUNDS = 5;

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/**
 * The end of remove-node, safe to run again from the start (a kill -9 anywhere in it reruns all of it):
 * 0. Refused (the job fails, nothing is forgotten) while the node owns a slot in any node's view, its own included, or
 *    while a slot has no other master claiming it: forgetting an owner leaves its slots uncovered everywhere
 *    (`refuseWhileOwning`; redis-cli's del-node refuses a node that is not empty too).
 * 1. Replicas of the node are re-pointed (CLUSTER REPLICATE) and must report their new master: a replica refuses to
 *    forget its own master, and would keep it alive in its gossip.
 * 2. CLUSTER FORGET on every other node, masters and replicas, at once: each then ignores the node for 60 s (the ban
 *    window), and once all forgot it nobody gossips it back (a PING from a node one does not know does not add it;
 *    only MEET does). Every round issues FORGET on all nodes again, so a rerun after the window could have expired
 *    (a resume after a crash) repairs a node that re-learned it.
 * 3. CLUSTER RESET SOFT on the removed node (refused by Redis if a master still holds keys), so it forgets the others
 *    and never re-introduces itself. Skipped with `reset: false` or when it does not answer.
 * 4. Every other node's CLUSTER NODES is read again; one still listing the node starts another round (at most 5).
 */
export async function forgetNode(connection: RedisConnection, forget: ForgetParams, log: (m: string) => void): Promise<ChunkFailed | undefined> {
  const owning = await refuseWhileOwning(connection, forget, log);
  if (owning) return owning;
  await repointReplicas(connection, forget);
  for (let round = 0; round < ROUNDS; round++) {
    const others = await otherNodes(connection, forget.id);
    await Promise.all(
      others.map(async (n) => {
        try {
          await (await connection.node(n.address)).call('CLUSTER', 'FORGET', forget.id);
        } catch (error) {
          // "Unknown node": forgotten already. "Can't forget my master": a replica the re-pointing has not reached yet.
          if (/unknown node/i.test(messageOf(error))) return;
          if (/forget my master/i.test(messageOf(error))) return void (await repointReplicas(connection, forget));
          throw error;
        }
      }),
    );
    if (round === 0 && forget.reset) {
      const failed = await resetRemoved(connection, forget, log);
      if (failed) return failed;
    }
    await sleep(POLL_MS);
    const still = (await otherNodes(connection, forget.id)).filter((n) => (n.view ?? []).some((e) => e.id === forget.id));
    if (still.length === 0) return undefined;
    log(`round ${round + 1}: ${still.map((n) => `${n.address.host}:${n.address.port}`).join(', ')} still list ${forget.id}; forgetting again on every node`);
  }
  throw new Error(`node ${forget.id} is still listed after ${ROUNDS} rounds of CLUSTER FORGET`);
}

/** Views that only lag (gossip after the drain's last announcements) get this long to stop naming the node. */
const OWNERSHIP_SETTLE_MS = 20_000;

/**
 * `node_owns_slots` while any reachable node (master or replica, the node itself included) sees `forget.id` own a
 * slot, waiting up to 20 s when only other nodes' views say so (they learn the drain by gossip); `slots_uncovered`
 * when a slot has no claimant but the node. Both leave the node in the cluster. Another node that does not answer
 * throws (the chunk is retried): its slots are not uncovered, only unread.
 */
async function refuseWhileOwning(connection: RedisConnection, forget: ForgetParams, log: (m: string) => void): Promise<ChunkFailed | undefined> {
  const deadline = Date.now() + OWNERSHIP_SETTLE_MS;
  for (;;) {
    const snapshot = await collectSnapshot(connection);
    if (snapshot.mode !== 'cluster') throw new Error('the cache is not a Redis Cluster any more');
    // A node that does not answer has no view to compare and claims nothing here: its slots would count as uncovered
    // and fail the job for good. Like the forget round itself (`otherNodes`), this fails the chunk, which is retried.
    const down = snapshot.nodes.filter((n) => n.id !== forget.id && !n.reachable && n.failure !== 'noaddr');
    if (down.length > 0) throw new Error(`cannot check which slots ${forget.id} owns: ${down.map((n) => `${n.address.host}:${n.address.port}`).join(', ')} does not answer`);
    const views = slotViews(snapshot);
    const seen = views.map((v) => ({ v, slots: v.owner.flatMap((o, slot) => (o === forget.id ? [slot] : [])) })).filter((x) => x.slots.length > 0);
    const claimed = new Uint8Array(CLUSTER_SLOTS);
    for (const v of views) if (v.role === 'master' && v.id !== forget.id) for (const [a, b] of v.self.slots) claimed.fill(1, a, b + 1);
    const uncovered: number[] = [];
    claimed.forEach((c, slot) => c === 0 && uncovered.push(slot));
    if (seen.length === 0 && uncovered.length === 0) return undefined;
    const selfClaims = seen.some((x) => x.v.id === forget.id);
    if (!selfClaims && uncovered.length === 0 && Date.now() < deadline) {
      await sleep(POLL_MS);
      continue;
    }
    const address = `${forget.host}:${forget.port}`;
    if (seen.length > 0) {
      const slots = formatRanges(toRanges(seen.flatMap((x) => x.slots)).slice(0, 8));
      const by = seen.map((x) => x.v.addressKey);
      log(`${address} still owns slots ${slots} in ${by.length} view(s): not forgotten`);
      return {
        status: 'failed',
        code: 'node_owns_slots',
        reason: `${address} still owns slot(s) ${slots} in the view of ${by.slice(0, 8).join(', ')}${by.length > 8 ? ` and ${by.length - 8} more` : ''}: it was not forgotten (that would leave its slots without an owner). Move them off (POST …/slots/reshard, or POST …/slots/fix when the views disagree), then remove it again`,
      };
    }
    return {
      status: 'failed',
      code: 'slots_uncovered',
      reason: `${uncovered.length} slot(s) (${formatRanges(toRanges(uncovered).slice(0, 8))}) have no owner besides ${address}: it was not forgotten; run POST …/slots/fix first, then remove it again`,
    };
  }
}

/** Every node but the removed one, each with its own view; one that does not answer fails the round (retried). */
async function otherNodes(connection: RedisConnection, id: string): Promise<NodeSnapshot[]> {
  const snapshot = await collectSnapshot(connection);
  if (snapshot.mode !== 'cluster') throw new Error('the cache is not a Redis Cluster any more');
  const others = snapshot.nodes.filter((n) => n.id !== id && !(n.failure === 'noaddr'));
  const down = others.filter((n) => !n.reachable);
  // A node that cannot be told would gossip the removed node back once the others' ban window ends.
  if (down.length > 0) throw new Error(`cannot tell ${down.map((n) => `${n.address.host}:${n.address.port}`).join(', ')} to forget ${id}: it does not answer`);
  return others;
}

async function repointReplicas(connection: RedisConnection, forget: ForgetParams): Promise<void> {
  const deadline = Date.now() + REPOINT_BOUND_MS;
  for (let attempt = 0; ; attempt++) {
    const followers = (await otherNodes(connection, forget.id)).filter((n) => {
      const self = n.view ? selfEntry(n.view) : undefined;
      return self?.flags.includes('slave') && self.masterId === forget.id;
    });
    if (followers.length === 0) return;
    if (Date.now() > deadline) throw new Error(`replicas ${followers.map((n) => `${n.address.host}:${n.address.port}`).join(', ')} still follow ${forget.id}`);
    if (attempt % 20 === 0) {
      await Promise.all(
        followers.map(async (n) => {
          const to = forget.repoint.find((r) => r.id === n.id)?.toId ?? forget.fallbackMasterId;
          if (!to) throw new Error(`replica ${n.address.host}:${n.address.port} of ${forget.id} has no master to follow`);
          await (await connection.node(n.address)).call('CLUSTER', 'REPLICATE', to);
        }),
      );
    }
    await sleep(POLL_MS);
  }
}

async function resetRemoved(connection: RedisConnection, forget: ForgetParams, log: (m: string) => void): Promise<ChunkFailed | undefined> {
  let redis;
  try {
    redis = await connection.node({ host: forget.host, port: forget.port });
    await redis.ping();
  } catch {
    log(`${forget.host}:${forget.port} does not answer: not reset (it may gossip its way back if it returns: CLUSTER RESET it then)`);
    return undefined;
  }
  const self = selfEntry(parseClusterNodes(String(await redis.call('CLUSTER', 'NODES'))));
  // Already reset by an earlier run (it lists only itself): nothing to do. A different id: not our node any more.
  if (self?.id !== forget.id) return undefined;
  const keys = Number(await redis.dbsize());
  if (keys > 0 && !self.flags.includes('slave')) {
    return { status: 'failed', code: 'removed_node_not_empty', reason: `${forget.host}:${forget.port} was forgotten by the cluster but still holds ${keys} key(s) in no slot it owns: it was not reset; move or delete them, then CLUSTER RESET it` };
  }
  await redis.call('CLUSTER', 'RESET', 'SOFT');
  log(`${forget.host}:${forget.port} reset (CLUSTER RESET SOFT)`);
  return undefined;
}

/** `Cluster.NodeRemoved` of a finished remove-node job. */
export function nodeRemovedEvent(job: JobRecord, forget: ForgetParams, slotsMoved: number): DomainEvent {
  return {
    type: 'RedisClusterManager.Cluster.NodeRemoved',
    data: {
      clusterId: job.clusterId,
      jobId: job.id,
      nodeId: forget.id,
      address: forget.host.includes(':') ? `[${forget.host}]:${forget.port}` : `${forget.host}:${forget.port}`,
      slotsMoved,
      replicasRepointed: forget.repoint.length,
      reset: forget.reset,
      durationMs: Math.max(0, Date.now() - Date.parse(job.startedAt ?? job.createdAt)),
      completedAt: new Date().toISOString(),
    },
  };
}

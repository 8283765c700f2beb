import { listNodes } from '../../platform/topology/listNodes';
import { protectedNamespacesReached } from '../../platform/registry/protectedOverlap';
import { Throttle } from '../analysis/Throttle';
import type { RedisConnection } from '../../platform/redis/RedisConnectionManager';
import type { AnalysisNamespace } from '../analysis/analyzeCluster';

/** Cluster label that turns the automatic action on (`on`); absent or anything else = off. */
export const autoShortenTtlLabel = 'rcm.eviction.auto-shorten-ttl';

export interface ShortenOptions {
  /** Namespaces with a priority below this are shortened. @default 30 */
  priorityBelow?: number;
  /** Keys changed at most per namespace per alert. @default 10000 */
  maxKeysPerNamespace?: number;
  /** @default 5000 */
  maxKeysPerSecond?: number;
}

export interface ShortenAction {
  action: 'shorten-ttl';
  namespace: string;
  keysChanged: number;
  detail: string;
}

/**
 * The opt-in reaction to memory pressure: in cache namespaces of low priority (not protected, not persistent, with
 * a policy TTL, and whose pattern cannot match a protected namespace's keys), bring every key's remaining TTL down to half the policy TTL — `PEXPIRE key ms LT` only ever
 * shortens (keys without TTL get one), so running it twice changes nothing more. SCAN MATCH per master, bounded
 * and throttled.
 */
export async function shortenLowPriorityTtls(connection: RedisConnection, namespaces: readonly AnalysisNamespace[], options: ShortenOptions = {}): Promise<ShortenAction[]> {
  const eligible = namespaces.filter(
    (n) =>
      n.priority < (options.priorityBelow ?? 30) &&
      !n.protected &&
      n.retention !== 'persistent' &&
      n.ttlSeconds !== null &&
      // Protection is about keys: a low-priority pattern that may match a protected namespace's keys is left alone.
      protectedNamespacesReached(n.keyPattern, namespaces).length === 0,
  );
  if (eligible.length === 0) return [];
  const masters = (await listNodes(connection)).nodes.filter((n) => n.role === 'master');
  const actions: ShortenAction[] = [];
  for (const ns of eligible) {
    const targetMs = Math.max(1000, Math.floor(((ns.ttlSeconds ?? 0) * 1000) / 2));
    const limit = options.maxKeysPerNamespace ?? 10_000;
    let changed = 0;
    let budget = limit;
    for (const master of masters) {
      const redis = await connection.node(master.address);
      const throttle = new Throttle({ maxKeysPerSecond: options.maxKeysPerSecond ?? 5000 });
      let cursor = '0';
      do {
        const started = Date.now();
        const [next, keys] = await redis.scanBuffer(cursor, 'MATCH', ns.keyPattern, 'COUNT', '500');
        cursor = next.toString();
        const batch = keys.slice(0, budget);
        if (batch.length > 0) {
          const pipeline = redis.pipeline();
          for (const key of batch) pipeline.call('PEXPIRE', key, String(targetMs), 'LT');
          changed += ((await pipeline.exec()) ?? []).filter(([error, reply]) => !error && reply === 1).length;
          budget -= batch.length;
        }
        await throttle.after(batch.length, Date.now() - started);
      } while (cursor !== '0' && budget > 0);
    }
    actions.push({ action: 'shorten-ttl', namespace: ns.namespace, keysChanged: changed, detail: `PEXPIRE ${targetMs} ms LT (half the policy TTL of ${ns.ttlSeconds} s) on keys of ${ns.keyPattern}, priority ${ns.priority}${budget <= 0 ? `; stopped at ${limit} keys` : ''}` });
  }
  return actions;
}

import type { RedisConnection } from '../../platform/redis/RedisConnectionManager';
import { classifyRedisError } from '../../platform/redis/classifyRedisError';
import type { NodeSample } from '../collection/NodeSample';
import { discoverNode, type DiscoveryOptions } from './discoverNode';
import type { ClusterMessaging, NodeMessaging } from './MessagingSnapshot';

/** `host:port` (the host may be an IPv6 literal) → address. */
function addressOf(node: string): { host: string; port: number } {
  const at = node.lastIndexOf(':');
  return { host: node.slice(0, at), port: Number(node.slice(at + 1)) };
}

/**
 * Messaging discovery on every reachable master of a cluster, concurrently (replicas hold the same keys). A node
 * that fails keeps last tick's view with `error` set, so its streams' alerts neither resolve nor flap because of
 * one failed read.
 */
export async function collectMessaging(
  connection: RedisConnection,
  clusterId: string,
  samples: readonly NodeSample[],
  previous: ClusterMessaging | undefined,
  namespaceOf: (key: string) => string | null,
  options: DiscoveryOptions,
  log?: (line: string) => void,
): Promise<ClusterMessaging> {
  const before = new Map((previous?.nodes ?? []).map((n) => [n.node, n] as const));
  const masters = samples.filter((s) => s.role === 'master');
  const nodes = await Promise.all(
    masters.map(async (sample): Promise<NodeMessaging | undefined> => {
      const last = before.get(sample.node);
      if (!sample.reachable) return last ? { ...last, error: sample.error ?? 'unreachable' } : undefined;
      try {
        return await discoverNode(await connection.node(addressOf(sample.node)), sample.node, last, namespaceOf, options);
      } catch (error) {
        log?.(`[monitor] ${clusterId}: messaging discovery on ${sample.node} failed (${classifyRedisError(error)}): ${(error as Error).message.split('\n')[0]?.slice(0, 200)}; last tick's view kept`);
        return last ? { ...last, error: classifyRedisError(error) } : undefined;
      }
    }),
  );
  return { clusterId, at: Date.now(), nodes: nodes.filter((n): n is NodeMessaging => n !== undefined), announced: previous?.announced ?? [] };
}

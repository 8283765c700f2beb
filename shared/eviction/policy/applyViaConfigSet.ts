import type { Redis } from 'ioredis';
import { listNodes } from '../../platform/topology/listNodes';
import type { RedisConnection } from '../../platform/redis/RedisConnectionManager';
import { DomainError } from '../../platform/store/DomainError';
import { isEvictionPolicy, type EvictionPolicy } from './evictionPolicies';

/** What one node (or the ARM resource) had before and after, as audited. */
export interface NodeChange {
  node: string;
  role: 'master' | 'replica' | 'arm-resource';
  before: string | null;
  after: string | null;
  verified: boolean;
  /** CONFIG REWRITE succeeded (the policy survives a restart); absent for ARM. */
  persisted?: boolean;
  /** Why the node was not changed (reply prefix only). */
  error?: string;
}

export interface ConfigSetOutcome {
  previous: EvictionPolicy | null;
  nodes: NodeChange[];
}

/** Reply errors a managed cache gives for CONFIG (renamed/disabled command or ACL). */
const configRefused = /unknown command|NOPERM|not allowed|disabled/i;

/**
 * Self-hosted Redis: `CONFIG SET maxmemory-policy` on every master and replica (a replica promoted later must
 * evict the same way), read back with `CONFIG GET`, then `CONFIG REWRITE` where the server has a config file.
 * Refuses before changing anything when a node is unreachable (the policy must be the same everywhere) and when
 * the server refuses CONFIG (a managed cache: use the ARM path).
 */
export async function applyViaConfigSet(connection: RedisConnection, policy: EvictionPolicy): Promise<ConfigSetOutcome> {
  const { nodes, unreachable } = await listNodes(connection);
  if (unreachable.length > 0) {
    throw new DomainError('unavailable', 'nodes_unreachable', `not applied: ${unreachable.length} node(s) cannot be reached (${unreachable.join(', ')}); every node must get the same policy`);
  }
  const clients = await Promise.all(nodes.map(async (n) => ({ node: n, redis: await connection.node(n.address) })));
  const before = await Promise.all(
    clients.map(async ({ redis }) =>
      configGet(redis).catch((error: unknown) => {
        throw error instanceof Error && configRefused.test(error.message) ? configSetRefused(connection.target.mode) : error;
      }),
    ),
  );
  const changes = await Promise.all(
    clients.map(async ({ node, redis }, i): Promise<NodeChange> => {
      const change: NodeChange = { node: node.name, role: node.role, before: before[i] ?? null, after: null, verified: false };
      try {
        await redis.call('CONFIG', 'SET', 'maxmemory-policy', policy);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        if (configRefused.test(message)) throw configSetRefused(connection.target.mode);
        return { ...change, after: await configGet(redis).catch(() => null), error: message.split(' ')[0] ?? 'ERR' };
      }
      const after = await configGet(redis);
      let persisted = false;
      try {
        await redis.call('CONFIG', 'REWRITE');
        persisted = true;
      } catch {
        // Started without a config file (containers, tests): the change holds until the next restart.
      }
      return { ...change, after, verified: after === policy, persisted };
    }),
  );
  const distinct = [...new Set(before)];
  const previous = distinct.length === 1 && distinct[0] && isEvictionPolicy(distinct[0]) ? distinct[0] : null;
  return { previous, nodes: changes };
}

async function configGet(redis: Redis): Promise<string | null> {
  const reply = (await redis.call('CONFIG', 'GET', 'maxmemory-policy')) as string[];
  return reply[1] ?? null;
}

/** The error for CONFIG on a managed cache, pointing to the ARM path. */
export function configSetRefused(mode: string): DomainError {
  return new DomainError(
    'unprocessable',
    'config_set_not_supported',
    `the server refuses CONFIG SET${mode.startsWith('azure') ? ` (${mode})` : ''}: Azure Cache for Redis and Azure Managed Redis disable CONFIG. ` +
      "Register the cluster with mode 'azure-cache-for-redis' or 'azure-managed-redis' and its azureResourceId, then PUT the eviction policy again: " +
      "it is applied through Azure Resource Manager (redisConfiguration['maxmemory-policy'], or the Managed Redis database's evictionPolicy)",
  );
}

import type { RedisConnection } from '../../platform/redis/RedisConnectionManager';
import { listNodes } from '../../platform/topology/listNodes';

/**
 * The highest `used_memory / maxmemory` over the masters, read now (INFO memory on each); null when no master has a
 * limit (nothing is under memory pressure then, whatever an event says).
 */
export async function liveMemoryRatio(connection: RedisConnection): Promise<number | null> {
  const ratios = (await listNodes(connection)).nodes
    .filter((n) => n.role === 'master' && n.memory.maxmemoryBytes > 0)
    .map((n) => n.memory.usedBytes / n.memory.maxmemoryBytes);
  return ratios.length === 0 ? null : Math.max(...ratios);
}

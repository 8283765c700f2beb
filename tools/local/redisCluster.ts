import { join } from 'node:path';
import { createCluster } from './clusterCreate';
import { freeClusterPort } from './freePort';
import { spawnRedis, type RedisProcess } from './redisServer';
import { workDir } from './workDir';

export interface RedisClusterProcesses {
  nodes: RedisProcess[];
  masters: RedisProcess[];
  replicas: RedisProcess[];
  /** Startup nodes for a cluster client (the masters). */
  seeds: { host: string; port: number }[];
  /** Stops every node in parallel; idempotent. */
  stop(): Promise<void>;
}

export interface SpawnRedisClusterOptions {
  /** @default 3 */
  masters?: number;
  /** @default 1 */
  replicasPerMaster?: number;
  /** Parent directory for the node dirs; @default a fresh temp dir, deleted on stop */
  dir?: string;
  /** `cluster-node-timeout`, short so failover tests are fast. @default 2000 */
  nodeTimeoutMs?: number;
}

/**
 * Starts `masters × (1 + replicasPerMaster)` cluster-enabled redis-servers on free port pairs (P and the bus
 * port P+10000) and forms a cluster covering all 16384 slots; resolves once every node reports
 * `cluster_state:ok` and every replica is linked to its master.
 */
export async function spawnRedisCluster(opts: SpawnRedisClusterOptions = {}): Promise<RedisClusterProcesses> {
  const masterCount = opts.masters ?? 3;
  const replicasPerMaster = opts.replicasPerMaster ?? 1;
  if (masterCount < 1 || replicasPerMaster < 0) throw new Error('spawnRedisCluster: masters must be >= 1 and replicasPerMaster >= 0');
  const root = await workDir('cluster', opts.dir);
  const total = masterCount * (1 + replicasPerMaster);
  const started = await Promise.allSettled(
    Array.from({ length: total }, (_, i) =>
      spawnRedis({
        pickPort: freeClusterPort,
        dir: join(root.path, `node-${i}`),
        args: [
          '--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf',
          '--cluster-node-timeout', String(opts.nodeTimeoutMs ?? 2000),
          '--cluster-replica-validity-factor', '0', '--cluster-announce-ip', '127.0.0.1',
        ],
      }),
    ),
  );
  const nodes = started.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= Promise.all(nodes.map((n) => n.stop())).then(() => root.dispose());
    return stopping;
  };
  try {
    const failed = started.find((r) => r.status === 'rejected');
    if (failed) throw failed.reason;
    const masters = nodes.slice(0, masterCount);
    const replicas = nodes.slice(masterCount);
    await createCluster(masters, replicas);
    return { nodes, masters, replicas, seeds: masters.map(({ host, port }) => ({ host, port })), stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

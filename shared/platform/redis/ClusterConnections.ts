import type { Cluster, Redis } from 'ioredis';
import { openClusterClient } from './openClusterClient';
import { baseRedisOptions, openNodeClient } from './openNodeClient';
import { Redis as RedisClient } from 'ioredis';
import type { RedisAuth } from './resolveRedisAuth';
import type { RedisClientSettings } from './RedisClientSettings';
import { nodeKey, type NodeAddress, type RedisTarget } from './RedisTarget';

/** How the cluster is really laid out (Azure caches can be either). */
export type RedisTopologyMode = 'standalone' | 'cluster';

/**
 * The pooled connections of one registered cluster: the routing client (ioredis `Redis` or `Cluster`) and
 * direct connections to individual nodes (topology and health talk to every node, failed ones included).
 * Each is opened on first use and shared by every invocation in this process.
 */
export class ClusterConnections {
  private routing: Promise<Redis | Cluster> | undefined;
  private mode: Promise<RedisTopologyMode> | undefined;
  private readonly nodes = new Map<string, Promise<Redis>>();
  private closed = false;

  constructor(
    readonly target: RedisTarget,
    private readonly auth: RedisAuth,
    private readonly settings: RedisClientSettings,
  ) {}

  /** `standalone` or `cluster`; for the Azure modes found out once from `INFO cluster` of the first endpoint. */
  topologyMode(): Promise<RedisTopologyMode> {
    if (this.target.mode === 'standalone' || this.target.mode === 'cluster') return Promise.resolve(this.target.mode);
    this.mode ??= this.detectMode().catch((error: unknown) => {
      this.mode = undefined;
      throw error;
    });
    return this.mode;
  }

  /** The routing client: a `Cluster` for clustered caches, else the direct connection to the first endpoint. */
  async client(): Promise<Redis | Cluster> {
    if ((await this.topologyMode()) === 'standalone') return this.node(this.firstEndpoint());
    this.routing ??= openClusterClient(this.target, this.auth, this.settings).then(
      (cluster) => {
        cluster.once('end', () => (this.routing = undefined));
        return cluster;
      },
      (error: unknown) => {
        this.routing = undefined;
        throw error;
      },
    );
    return this.routing;
  }

  /** A direct connection to one node, opened on first use and replaced once it ends. */
  node(address: NodeAddress): Promise<Redis> {
    if (this.closed) return Promise.reject(new Error('Connection is closed.'));
    const key = nodeKey(address);
    let pending = this.nodes.get(key);
    if (!pending) {
      pending = openNodeClient(address, this.target, this.auth, this.settings).then(
        (redis) => {
          redis.once('end', () => {
            if (this.nodes.get(key) === pending) this.nodes.delete(key);
          });
          return redis;
        },
        (error: unknown) => {
          this.nodes.delete(key);
          throw error;
        },
      );
      this.nodes.set(key, pending);
    }
    return pending;
  }

  /** MIGRATE's `AUTH <password>` / `AUTH2 <user> <password>` (the current token for Entra). */
  nodeAuthArgs(): string[] {
    const auth = this.auth;
    if (auth.kind === 'entra') return ['AUTH2', auth.tokenAuth.username, auth.tokenAuth.password];
    if (auth.password === undefined) return [];
    return auth.username === undefined ? ['AUTH', auth.password] : ['AUTH2', auth.username, auth.password];
  }

  /** An unpooled node connection with its own command timeout (see `RedisConnection.dedicatedNode`). */
  dedicatedNode(address: NodeAddress, commandTimeoutMs: number): Promise<Redis> {
    if (this.closed) return Promise.reject(new Error('Connection is closed.'));
    return openNodeClient(address, this.target, this.auth, { ...this.settings, commandTimeoutMs });
  }

  /** `INFO` over a short-lived connection with no ready check (see `RedisConnection.infoOnce`). */
  async infoOnce(address: NodeAddress, timeoutMs: number): Promise<string> {
    const redis = new RedisClient({
      ...baseRedisOptions(this.target, this.auth, this.settings),
      host: address.host,
      port: address.port,
      lazyConnect: true,
      enableReadyCheck: false,
      retryStrategy: () => null,
      connectTimeout: timeoutMs,
      commandTimeout: timeoutMs,
      maxRetriesPerRequest: 0,
      connectionName: 'rcm-peek',
    });
    redis.on('error', () => undefined);
    try {
      return String(await redis.info());
    } finally {
      redis.disconnect();
    }
  }

  /** The registered endpoints, in order. */
  get seeds(): NodeAddress[] {
    return this.target.endpoints.map(({ host, port }) => ({ host, port }));
  }

  /** Closes every connection and stops token refresh. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.auth.kind === 'entra') this.auth.tokenAuth.stop();
    const all = [...this.nodes.values(), ...(this.routing ? [this.routing] : [])];
    this.nodes.clear();
    this.routing = undefined;
    await Promise.all(all.map((p) => p.then((c) => c.quit().catch(() => c.disconnect())).catch(() => undefined)));
  }

  private firstEndpoint(): NodeAddress {
    const first = this.seeds[0];
    if (!first) throw new Error(`cluster '${this.target.id}' has no endpoints`);
    return first;
  }

  private async detectMode(): Promise<RedisTopologyMode> {
    const info = String(await (await this.node(this.firstEndpoint())).info('cluster'));
    return /cluster_enabled:1/.test(info) ? 'cluster' : 'standalone';
  }
}

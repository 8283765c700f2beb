import { createHash } from 'node:crypto';
import type { TokenCredential } from '@azure/core-auth';
import type { Cluster, Redis } from 'ioredis';
import { azureCredential } from '../config/azureCredential';
import { isDomainError } from '../store/DomainError';
import { Bulkhead, BulkheadFullError, type BulkheadOptions } from './Bulkhead';
import { SingleFlight } from './SingleFlight';
import { CircuitBreaker, type CircuitBreakerOptions, type CircuitSnapshot } from './CircuitBreaker';
import { classifyRedisError } from './classifyRedisError';
import { ClusterConnections, type RedisTopologyMode } from './ClusterConnections';
import type { EntraTokenAuthOptions } from './EntraTokenAuth';
import { RedisAccessError } from './redisErrors';
import { defaultRedisClientSettings, type RedisClientSettings } from './RedisClientSettings';
import { resolveRedisAuth } from './resolveRedisAuth';
import type { NodeAddress, RedisTarget } from './RedisTarget';
import { toRedisAccessError } from './toRedisAccessError';

export interface ConnectionManagerOptions extends Partial<RedisClientSettings> {
  /** Per-cluster circuit breaker. @default { failureThreshold: 3, cooldownMs: 10000 } */
  breaker?: CircuitBreakerOptions;
  /** Per-cluster bulkhead. @default { maxConcurrent: 8, maxQueued: 32, queueTimeoutMs: 2000 } */
  bulkhead?: BulkheadOptions;
  /**
   * How long a shared read's result (`runShared`) is reused after it completed. @default 0: shared only while it runs,
   * so a read that starts after a change (a failover, a CONFIG SET) sees it
   */
  sharedReadWindowMs?: number;
  /** Upper bound of one `run()` whatever the callback does. @default 15000 */
  operationTimeoutMs?: number;
  /** Azure credential for Key Vault and Entra ID. @default azureCredential(clientId ?? AZURE_CLIENT_ID) */
  credentialFor?: (clientId: string | undefined) => TokenCredential;
  /** Entra token refresh tuning. @default see EntraTokenAuthOptions */
  entra?: Omit<EntraTokenAuthOptions, 'username'>;
  /** Where `env` secret references are read. @default process.env */
  env?: NodeJS.ProcessEnv;
}

/** What a `run()` callback gets: the cluster's pooled connections. */
export interface RedisConnection {
  readonly target: RedisTarget;
  /** `standalone` or `cluster` (Azure modes detected). */
  topologyMode(): Promise<RedisTopologyMode>;
  /** Pooled routing client: ioredis `Cluster` for clustered caches, else `Redis`. */
  client(): Promise<Redis | Cluster>;
  /** Pooled direct connection to one node (no redirects). */
  node(address: NodeAddress): Promise<Redis>;
  /**
   * `INFO` over a one-off connection without ioredis' ready check, bounded by `timeoutMs`: answers while the
   * node is loading its dataset (the pooled connection waits for the load to finish and so looks timed out).
   */
  infoOnce(address: NodeAddress, timeoutMs: number): Promise<string>;
  /**
   * A connection of its own to one node (not pooled; the caller quits it), with its own command timeout: for
   * commands that legitimately run longer than the pool's (a MIGRATE of a big key) and so no other caller
   * queues behind them.
   */
  dedicatedNode(address: NodeAddress, commandTimeoutMs: number): Promise<Redis>;
  /**
   * The `AUTH`/`AUTH2` arguments a node-to-node command (MIGRATE) must carry to reach another node of this
   * cluster; empty without credentials. Holds the secret: pass it to Redis only, never into a message or log.
   */
  nodeAuthArgs(): string[];
  /** The registered endpoints. */
  readonly seeds: NodeAddress[];
}

export interface RunOptions {
  /** Overrides `operationTimeoutMs` for this call. */
  timeoutMs?: number;
}

interface PoolEntry {
  key: string;
  connections: Promise<ClusterConnections>;
}

/**
 * Connections pooled per cluster across invocations (keyed by cluster id and a hash of the registration, so a
 * changed registration gets fresh connections), each call guarded by the cluster's circuit breaker and bulkhead
 * and bounded in time; every failure leaves as a typed `RedisAccessError` without secrets.
 */
export class RedisConnectionManager {
  private readonly pool = new Map<string, PoolEntry>();
  private readonly breakers = new Map<string, CircuitBreaker>();
  private readonly bulkheads = new Map<string, Bulkhead>();
  private readonly shared: SingleFlight;
  private readonly settings: RedisClientSettings;

  constructor(private readonly options: ConnectionManagerOptions = {}) {
    this.shared = new SingleFlight(options.sharedReadWindowMs ?? 0);
    this.settings = {
      connectTimeoutMs: options.connectTimeoutMs ?? defaultRedisClientSettings.connectTimeoutMs,
      commandTimeoutMs: options.commandTimeoutMs ?? defaultRedisClientSettings.commandTimeoutMs,
      slotsRefreshTimeoutMs: options.slotsRefreshTimeoutMs ?? defaultRedisClientSettings.slotsRefreshTimeoutMs,
      maxRetriesPerRequest: options.maxRetriesPerRequest ?? defaultRedisClientSettings.maxRetriesPerRequest,
    };
  }

  /**
   * Runs `operation` with the cluster's pooled connections. Fails fast with `redis_circuit_open` while the
   * circuit is open and `redis_busy` when the bulkhead is full; infrastructure failures (connect, timeout,
   * auth, CLUSTERDOWN) count against the breaker, a reply error such as WRONGTYPE does not. Errors the
   * operation throws on purpose (`DomainError`) pass through unchanged.
   */
  async run<T>(target: RedisTarget, operation: (connection: RedisConnection) => Promise<T>, runOptions: RunOptions = {}): Promise<T> {
    const breaker = this.breakerFor(target.id);
    if (!breaker.tryAcquire()) {
      const circuit = breaker.snapshot();
      const retryAfterSeconds = Math.max(1, Math.ceil((circuit.retryAfterMs ?? 0) / 1000));
      throw new RedisAccessError(
        'redis_circuit_open',
        `cluster '${target.id}' is failing fast: circuit ${circuit.state} after ${circuit.consecutiveFailures} consecutive failures (${circuit.lastFailure ?? 'unknown'})`,
        { clusterId: target.id, circuit, retryAfterSeconds },
      );
    }
    try {
      const result = await this.bulkheadFor(target.id).run(() =>
        this.bounded(target, operation, runOptions.timeoutMs ?? this.options.operationTimeoutMs ?? 15_000),
      );
      breaker.onSuccess();
      return result;
    } catch (error) {
      if (error instanceof BulkheadFullError) {
        breaker.abandon();
        throw new RedisAccessError('redis_busy', `cluster '${target.id}': ${error.message}`, { clusterId: target.id, retryAfterSeconds: 1 });
      }
      // The operation's own verdict (not found, invalid input): the cluster answered.
      if (isDomainError(error) && !(error instanceof RedisAccessError)) {
        breaker.onSuccess();
        throw error;
      }
      // Not from Redis at all (a job's lost lease, a storage error, a bug in the operation): pass it on unchanged,
      // so callers see what really failed and the breaker does not judge the cluster by it.
      if (!(error instanceof RedisAccessError) && isForeignError(error)) {
        breaker.abandon();
        throw error;
      }
      const mapped = error instanceof RedisAccessError ? error : toRedisAccessError(error, target.id);
      if (mapped.code === 'redis_command_failed') breaker.onSuccess();
      else breaker.onFailure(error instanceof RedisAccessError ? error.code : classifyRedisError(error));
      // Rejected or unresolvable credentials: resolve the secret reference again on the next call.
      if (mapped.code === 'redis_auth_failed' || mapped.code === 'redis_secret_unresolved') await this.close(target.id);
      mapped.details.circuit = breaker.snapshot();
      throw mapped;
    }
  }

  /**
   * `run` for a read whose result every concurrent caller can share (`key` names the read, e.g. `topology`):
   * identical reads of one cluster (same registration) in flight at once cost one operation and one bulkhead slot,
   * so 50 readers do not queue 50 collections.
   */
  runShared<T>(target: RedisTarget, key: string, operation: (connection: RedisConnection) => Promise<T>, runOptions: RunOptions = {}): Promise<T> {
    return this.shared.run(`${target.id}\n${registrationHash(target)}\n${key}`, () => this.run(target, operation, runOptions));
  }

  /** The circuit of a cluster as the API shows it. */
  circuit(clusterId: string): CircuitSnapshot {
    return this.breakerFor(clusterId).snapshot();
  }

  /** Closes a cluster's pooled connections (registration deleted, credentials rejected). */
  async close(clusterId: string): Promise<void> {
    const entry = this.pool.get(clusterId);
    this.pool.delete(clusterId);
    await entry?.connections.then((c) => c.close()).catch(() => undefined);
  }

  /** Closes everything (host shutdown, tests). */
  async closeAll(): Promise<void> {
    await Promise.all([...this.pool.keys()].map((id) => this.close(id)));
  }

  private async bounded<T>(target: RedisTarget, operation: (connection: RedisConnection) => Promise<T>, timeoutMs: number): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`operation timed out after ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      const connections = await Promise.race([this.connectionsFor(target), deadline]);
      const handle: RedisConnection = {
        target,
        topologyMode: () => connections.topologyMode(),
        client: () => connections.client(),
        node: (address) => connections.node(address),
        infoOnce: (address, ms) => connections.infoOnce(address, ms),
        dedicatedNode: (address, ms) => connections.dedicatedNode(address, ms),
        nodeAuthArgs: () => connections.nodeAuthArgs(),
        seeds: connections.seeds,
      };
      return await Promise.race([operation(handle), deadline]);
    } finally {
      clearTimeout(timer);
    }
  }

  private connectionsFor(target: RedisTarget): Promise<ClusterConnections> {
    const key = registrationHash(target);
    const existing = this.pool.get(target.id);
    if (existing?.key === key) return existing.connections;
    if (existing) {
      void existing.connections.then((c) => c.close()).catch(() => undefined);
      this.breakers.delete(target.id); // a new registration starts with a closed circuit
    }
    const connections = resolveRedisAuth(target, {
      credentialFor: this.options.credentialFor ?? ((clientId) => azureCredential(clientId ?? process.env['AZURE_CLIENT_ID'])),
      ...(this.options.env ? { env: this.options.env } : {}),
      ...(this.options.entra ? { entra: this.options.entra } : {}),
    }).then((auth) => new ClusterConnections(target, auth, this.settings));
    const entry = { key, connections };
    connections.catch(() => {
      if (this.pool.get(target.id) === entry) this.pool.delete(target.id);
    });
    this.pool.set(target.id, entry);
    return connections;
  }

  private breakerFor(clusterId: string): CircuitBreaker {
    let breaker = this.breakers.get(clusterId);
    if (!breaker) this.breakers.set(clusterId, (breaker = new CircuitBreaker(this.options.breaker)));
    return breaker;
  }

  private bulkheadFor(clusterId: string): Bulkhead {
    let bulkhead = this.bulkheads.get(clusterId);
    if (!bulkhead) this.bulkheads.set(clusterId, (bulkhead = new Bulkhead(this.options.bulkhead)));
    return bulkhead;
  }
}

/** Hash of everything in a registration that changes how we connect (no secret values: references only). */
function registrationHash(target: RedisTarget): string {
  const { mode, endpoints, tls, username, secretRef, version } = target;
  return createHash('sha256').update(JSON.stringify({ mode, endpoints, tls, username, secretRef, version })).digest('hex').slice(0, 16);
}

/** ioredis's own error classes (redis-errors); anything else classified as a "reply" did not come from Redis. */
const redisErrorNames = new Set(['ReplyError', 'ParserError', 'AbortError', 'InterruptError', 'RedisError', 'MaxRetriesPerRequestError', 'ClusterAllFailedError']);

function isForeignError(error: unknown): boolean {
  return error instanceof Error && !redisErrorNames.has(error.name) && classifyRedisError(error) === 'reply';
}

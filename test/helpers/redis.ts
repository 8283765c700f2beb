import { randomBytes } from 'node:crypto';
import { Cluster, Redis, type ClusterOptions, type RedisOptions } from 'ioredis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, inject, onTestFinished } from 'vitest';
import { spawnRedis, spawnRedisCluster, type RedisClusterProcesses, type RedisProcess, type SpawnRedisClusterOptions, type SpawnRedisOptions } from '../../tools/local/index';

export type RedisMode = 'standalone' | 'cluster';
export type AnyRedis = Redis | Cluster;
export const REDIS_MODES: readonly RedisMode[] = ['standalone', 'cluster'];

let counter = 0;

/**
 * A key prefix no other test (in this or any other worker) uses, e.g. `t:writes-a-key:3k1a9f2c1:`.
 * With `hashTag: true` the unique part is a hash tag (`t:{writes-a-key-3k1a9f2c1}:`), so every key under it
 * lands in one cluster slot and multi-key commands / MULTI / Lua work in cluster mode.
 * @param testName readable part; @default the current test's name
 */
export function keyPrefix(testName?: string, options: { hashTag?: boolean } = {}): string {
  const name = testName ?? expect.getState().currentTestName ?? 'test';
  const slug = name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(-32) || 'test';
  const unique = `${process.pid.toString(36)}${(counter++).toString(36)}${randomBytes(3).toString('hex')}`;
  return options.hashTag === true ? `t:{${slug}-${unique}}:` : `t:${slug}:${unique}:`;
}

const fileClients = new Set<AnyRedis>();

/** Closes a client whatever its state; never throws. */
export async function closeClient(client: AnyRedis): Promise<void> {
  fileClients.delete(client);
  if (client.status === 'end') return;
  try {
    await client.quit();
  } catch {
    client.disconnect();
  }
}

/** Closes every client the helpers opened in this file that is still open (test/setup/perFile.ts calls it). */
export async function closeTrackedClients(): Promise<void> {
  await Promise.all([...fileClients].map(closeClient));
}

/** Opened inside a test (or beforeEach): closed when the test finishes. Elsewhere: closed after the file. */
function track<T extends AnyRedis>(client: T): T {
  fileClients.add(client);
  try {
    onTestFinished(() => closeClient(client));
  } catch {
    // not inside a test: perFile.ts closes it in afterAll
  }
  return client;
}

/** An ioredis client for the shared standalone redis-server. */
export function connectStandalone(options: RedisOptions = {}): Redis {
  return track(new Redis(inject('redisStandalone').url, { connectTimeout: 5000, maxRetriesPerRequest: 2, ...options }));
}

/** An ioredis Cluster client for the shared 3-master / 3-replica cluster. */
export function connectCluster(options: ClusterOptions = {}): Cluster {
  const { redisOptions, ...rest } = options;
  return track(
    new Cluster(inject('redisCluster').seeds, {
      redisOptions: { connectTimeout: 5000, ...redisOptions },
      maxRedirections: 16,
      ...rest,
    }),
  );
}

/** A client for the shared server of `mode`. */
export function connect(mode: RedisMode): AnyRedis {
  return mode === 'cluster' ? connectCluster() : connectStandalone();
}

/** Every key matching `pattern`, by SCAN on each master (cluster) or on the server (standalone). */
export async function scanAll(client: AnyRedis, pattern: string): Promise<string[]> {
  const targets = client instanceof Cluster ? client.nodes('master') : [client];
  const found: string[] = [];
  for (const node of targets) {
    let cursor = '0';
    do {
      const [next, keys] = await node.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
      cursor = next;
      found.push(...keys);
    } while (cursor !== '0');
  }
  return found.sort();
}

export interface RedisSuiteContext {
  readonly mode: RedisMode;
  /** A connected client of this mode, shared by the suite; valid inside hooks and tests. */
  readonly client: AnyRedis;
  /** This test's own key prefix (set in beforeEach). */
  readonly prefix: string;
  /** This test's own hash-tagged prefix: all keys in one slot, for multi-key commands in cluster mode. */
  readonly taggedPrefix: string;
  /** Where the server is: the standalone's url, or undefined in cluster mode. */
  readonly url: string | undefined;
  /** Startup nodes: the standalone's host/port, or the cluster's masters. */
  readonly seeds: { host: string; port: number }[];
  /** Another client of this mode (closed automatically, see connectStandalone / connectCluster). */
  connect(): AnyRedis;
}

/**
 * Runs the same Redis-facing suite against the shared standalone server and the shared cluster:
 * `describe('<name> [standalone]')` and `describe('<name> [cluster]')`.
 */
export function describeEachRedis(name: string, body: (ctx: RedisSuiteContext) => void, modes: readonly RedisMode[] = REDIS_MODES): void {
  for (const mode of modes) {
    describe(`${name} [${mode}]`, () => {
      let client: AnyRedis | undefined;
      let prefix: string | undefined;
      let taggedPrefix: string | undefined;
      const ready = <T>(value: T | undefined, what: string): T => {
        if (value === undefined) throw new Error(`ctx.${what} is only available inside hooks and tests`);
        return value;
      };
      beforeAll(() => {
        client = connect(mode);
      });
      afterAll(async () => {
        if (client) await closeClient(client);
      });
      beforeEach((context) => {
        prefix = keyPrefix(context.task.name);
        taggedPrefix = keyPrefix(context.task.name, { hashTag: true });
      });
      afterEach(() => {
        prefix = undefined;
        taggedPrefix = undefined;
      });
      const standalone = (): { host: string; port: number; url: string } => inject('redisStandalone');
      body({
        mode,
        get client() {
          return ready(client, 'client');
        },
        get prefix() {
          return ready(prefix, 'prefix');
        },
        get taggedPrefix() {
          return ready(taggedPrefix, 'taggedPrefix');
        },
        get url() {
          return mode === 'standalone' ? standalone().url : undefined;
        },
        get seeds() {
          if (mode === 'cluster') return inject('redisCluster').seeds;
          const { host, port } = standalone();
          return [{ host, port }];
        },
        connect: () => connect(mode),
      });
    });
  }
}

/**
 * A private redis-server for this file, for tests that change server-wide state (CONFIG SET maxmemory /
 * eviction policy, FLUSHALL, DEBUG SLEEP, shutdown) and so must not touch the shared one.
 * Started in beforeAll, stopped in afterAll; read `.server` inside hooks and tests.
 */
export function useOwnRedis(options: SpawnRedisOptions = {}): { readonly server: RedisProcess } {
  let server: RedisProcess | undefined;
  beforeAll(async () => {
    server = await spawnRedis(options);
  });
  afterAll(async () => {
    await server?.stop();
  });
  return {
    get server() {
      if (server === undefined) throw new Error('useOwnRedis().server is only available inside hooks and tests');
      return server;
    },
  };
}

/** A private cluster for this file (failover, resharding, CONFIG SET on all nodes). See useOwnRedis. */
export function useOwnCluster(options: SpawnRedisClusterOptions = {}): { readonly cluster: RedisClusterProcesses } {
  let cluster: RedisClusterProcesses | undefined;
  beforeAll(async () => {
    cluster = await spawnRedisCluster(options);
  });
  afterAll(async () => {
    await cluster?.stop();
  });
  return {
    get cluster() {
      if (cluster === undefined) throw new Error('useOwnCluster().cluster is only available inside hooks and tests');
      return cluster;
    },
  };
}

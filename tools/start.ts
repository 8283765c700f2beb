import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { startHost, type RunningHost } from './host';
import { spawnAzurite, spawnRedis, spawnRedisCluster, supervise, type AzuriteProcess, type RedisProcess } from './local';

/**
 * `npm start`: the whole product on embedded defaults — Azurite, a redis-server (or REDIS_URL), optionally a
 * 6-node cluster, and the local Functions host on :7071 serving the compiled app (package.json `main`).
 */
const repoRoot = resolve(__dirname, '..', '..');
/** Local state (Azurite data, keys, process folders). `RCM_STATE_DIR` moves it (tests). @default <repo>/.local */
const stateDir = process.env.RCM_STATE_DIR ?? join(repoRoot, '.local');

interface LocalSettings {
  Values?: Record<string, string>;
  Host?: { LocalHttpPort?: number };
}

function readLocalSettings(): LocalSettings {
  const file = join(repoRoot, 'local.settings.json');
  if (!existsSync(file)) return {};
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as LocalSettings;
  } catch (err) {
    throw new Error(`local.settings.json is not valid JSON: ${(err as Error).message}`, { cause: err });
  }
}

/**
 * The local cluster is formed anew on new ports at every start: a previous run's nodes.conf files would make its
 * nodes remember old peers (and refuse to be formed again), so their folder starts empty.
 */
function freshDir(dir: string): string {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  return dir;
}

interface LocalKeys {
  functionKey: string;
  masterKey: string;
  /** The admin API key of the local principal `local-admin` (x-api-key). */
  adminApiKey: string;
  /** The `eventgrid_extension` system key: the Event Grid webhook refuses deliveries without it (the local topic sends it). */
  eventGridKey: string;
}

/** Keys stay the same across restarts (kept in .local/keys.json) unless local.settings.json names them. */
function localKeys(values: Record<string, string>): LocalKeys {
  const file = join(stateDir, 'keys.json');
  let stored: Partial<LocalKeys> = {};
  if (existsSync(file)) stored = JSON.parse(readFileSync(file, 'utf8')) as Partial<LocalKeys>;
  const fresh = () => randomBytes(24).toString('base64url');
  const keys: LocalKeys = {
    functionKey: values.LOCAL_FUNCTION_KEY ?? stored.functionKey ?? fresh(),
    masterKey: values.LOCAL_MASTER_KEY ?? stored.masterKey ?? fresh(),
    adminApiKey: stored.adminApiKey ?? fresh(),
    eventGridKey: values.LOCAL_EVENTGRID_KEY ?? stored.eventGridKey ?? fresh(),
  };
  writeFileSync(file, JSON.stringify(keys, null, 2) + '\n', { mode: 0o600 });
  return keys;
}

async function main(): Promise<void> {
  const { values: flags } = parseArgs({
    options: {
      cluster: { type: 'boolean', default: false },
      port: { type: 'string' },
    },
  });
  const started = performance.now();
  mkdirSync(stateDir, { recursive: true });
  const local = readLocalSettings();
  // An empty value means unset (as for the app): the copied example file leaves npm start's own defaults in place.
  const values = Object.fromEntries(Object.entries(local.Values ?? {}).filter(([, v]) => v !== ''));
  const port = Number(flags.port ?? process.env.PORT ?? local.Host?.LocalHttpPort ?? 7071);
  const stops: Array<() => Promise<void>> = [];
  let host: RunningHost | undefined;

  let stopping = false;
  const stopAll = async (signal: string, exitCode = 0): Promise<void> => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping (draining in-flight invocations, then local processes)...`);
    await host?.stop().catch((err: unknown) => console.error('host stop failed:', (err as Error).message));
    await Promise.all(stops.map((stop) => stop().catch(() => undefined)));
    process.exit(exitCode);
  };
  process.on('SIGINT', () => void stopAll('SIGINT'));
  process.on('SIGTERM', () => void stopAll('SIGTERM'));
  // Whoever read our output is gone (the terminal closed, a parent that piped us died): stop everything, as for
  // Ctrl-C. Unhandled, the EPIPE was an uncaught error the host logged to the same closed pipe, again and again:
  // an orphaned npm start spun at 60 % of a core and never stopped.
  const onOutputError = (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE' || error.code === 'ERR_STREAM_DESTROYED') void stopAll('output closed');
  };
  process.stdout.on('error', onOutputError);
  process.stderr.on('error', onOutputError);
  process.on('SIGHUP', () => void stopAll('SIGHUP'));

  try {
    const redisUrl = process.env.REDIS_URL ?? values.REDIS_URL;
    const [azurite, redis, cluster] = await Promise.all([
      // On disk, so registrations, audit log and job checkpoints survive a restart (as Table Storage would).
      // Supervised: an Azurite or redis-server that dies is started again behind the same ports (with backoff,
      // logged), so the app's connections recover by themselves without a restart of npm start.
      supervise<AzuriteProcess>('azurite', (previous) => spawnAzurite({ dir: join(stateDir, 'azurite'), inMemory: false, ...(previous ? { ports: previous.ports } : {}) })),
      redisUrl ? undefined : supervise<RedisProcess>('redis-server', (previous) => spawnRedis({ dir: join(stateDir, 'redis'), ...(previous ? { port: previous.port } : {}) })),
      flags.cluster ? spawnRedisCluster({ dir: freshDir(join(stateDir, 'cluster')) }) : undefined,
    ]);
    stops.push(() => azurite.stop());
    if (redis) stops.push(() => redis.stop());
    if (cluster) stops.push(() => cluster.stop());

    // 'UseDevelopmentStorage=true' (what `func start` wants) means the embedded Azurite here.
    if (values.AzureWebJobsStorage === 'UseDevelopmentStorage=true') delete values.AzureWebJobsStorage;
    const settings: Record<string, string> = {
      AzureWebJobsStorage: azurite.current().connectionString,
      REDIS_URL: redisUrl ?? (redis as NonNullable<typeof redis>).current().url,
      ...(cluster ? { LOCAL_CLUSTER_SEEDS: cluster.seeds.map((s) => `${s.host}:${s.port}`).join(',') } : {}),
      ...values,
    };
    const keys = localKeys(values);
    settings.API_KEYS ??= `local-admin:admin:${keys.adminApiKey}`;
    host = await startHost({ appDir: repoRoot, port, settings, keys: { functionKey: keys.functionKey, masterKey: keys.masterKey, eventGridKey: keys.eventGridKey } });
    // The topic endpoint is known once the host listens; the app reads settings per invocation, so this is in time.
    process.env.EVENTGRID_TOPIC_ENDPOINT ??= host.topic.endpoint;
    process.env.EVENTGRID_TOPIC_KEY ??= host.topic.key;

    const registered = await registerLocalClusters(host, keys.adminApiKey, settings.REDIS_URL as string, cluster?.seeds);
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    const lines = [
      '',
      `Redis Cluster Manager is running (ready in ${seconds} s)`,
      `  API          ${host.url}/api   (try: curl ${host.url}/api/health)`,
      `  dashboard    ${host.url}/api/dashboard?code=${host.keys.functionKey}#key=${keys.adminApiKey}`,
      `  function key ${host.keys.functionKey}   (header x-functions-key, or ?code=)`,
      `  master key   ${host.keys.masterKey}   (admin routes, POST ${host.url}/admin/functions/<timer>)`,
      `  admin API key ${keys.adminApiKey}   (header x-api-key; principal local-admin, role admin)`,
      `  clusters     ${registered.join(', ')}   (curl -H "x-functions-key: ${host.keys.functionKey}" -H "x-api-key: ${keys.adminApiKey}" ${host.url}/api/clusters)`,
      `  Event Grid   ${host.topic.endpoint}   (aeg-sas-key ${host.topic.key})`,
      `  Azurite      ${azurite.current().blobEndpoint} | ${azurite.current().tableEndpoint}   (state in .local/azurite)`,
      `  Redis        ${settings.REDIS_URL}${redisUrl ? ' (REDIS_URL)' : ' (spawned redis-server)'}`,
      ...(cluster ? [`  Cluster      ${cluster.seeds.map((s) => `${s.host}:${s.port}`).join(' ')}  (3 masters, 3 replicas)`] : []),
      `  functions    ${host.functions.map((f) => f.name).join(', ')}`,
      'Press Ctrl-C to stop everything.',
    ];
    console.log(lines.join('\n'));
  } catch (err) {
    console.error(`start failed: ${(err as Error).message}`);
    await stopAll('error', 1);
  }
}

/**
 * Registers the local Redis (`local`) and, with --cluster, the local cluster (`local-cluster`) through the admin
 * API itself, so the API and dashboard have data at once. Ports change per start, so this is an audited update.
 */
async function registerLocalClusters(host: RunningHost, adminApiKey: string, redisUrl: string, seeds?: { host: string; port: number }[]): Promise<string[]> {
  const url = new URL(redisUrl);
  const registrations: Array<[string, Record<string, unknown>]> = [];
  // A REDIS_URL with a password is the user's own Redis: register it only when no secret would be needed.
  if (!url.password && (url.protocol === 'redis:' || url.protocol === 'rediss:')) {
    registrations.push(['local', {
      displayName: 'Local redis-server',
      mode: 'standalone',
      endpoints: [{ host: url.hostname, port: Number(url.port || 6379) }],
      tls: { enabled: url.protocol === 'rediss:' },
      secretRef: { kind: 'none' },
      labels: { env: 'local' },
    }]);
  }
  if (seeds) {
    registrations.push(['local-cluster', {
      displayName: 'Local 6-node cluster',
      mode: 'cluster',
      endpoints: seeds,
      secretRef: { kind: 'none' },
      labels: { env: 'local' },
    }]);
  }
  const done: string[] = [];
  for (const [id, spec] of registrations) {
    const res = await fetch(`${host.url}/api/clusters/${id}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', 'x-functions-key': host.keys.functionKey, 'x-api-key': adminApiKey },
      body: JSON.stringify(spec),
    });
    if (res.ok) done.push(id);
    else console.warn(`could not register cluster '${id}': ${res.status} ${await res.text()}`);
  }
  return done;
}

void main();

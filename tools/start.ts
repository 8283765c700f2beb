import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { startHost, type RunningHost } from './host';
import { spawnAzurite, spawnRedis, spawnRedisCluster } from './local';

/**
 * `npm start`: the whole product on embedded defaults — Azurite, a redis-server (or REDIS_URL), optionally a
 * 6-node cluster, and the local Functions host on :7071 serving the compiled app (package.json `main`).
 */
const repoRoot = resolve(__dirname, '..', '..');
const stateDir = join(repoRoot, '.local');

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

/** Keys stay the same across restarts (kept in .local/keys.json) unless local.settings.json names them. */
function localKeys(values: Record<string, string>): { functionKey: string; masterKey: string } {
  const file = join(stateDir, 'keys.json');
  let stored: { functionKey?: string; masterKey?: string } = {};
  if (existsSync(file)) stored = JSON.parse(readFileSync(file, 'utf8')) as typeof stored;
  const keys = {
    functionKey: values.LOCAL_FUNCTION_KEY ?? stored.functionKey ?? randomBytes(24).toString('base64url'),
    masterKey: values.LOCAL_MASTER_KEY ?? stored.masterKey ?? randomBytes(24).toString('base64url'),
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
  const values = { ...(local.Values ?? {}) };
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

  try {
    const redisUrl = process.env.REDIS_URL ?? values.REDIS_URL;
    const [azurite, redis, cluster] = await Promise.all([
      spawnAzurite({ dir: join(stateDir, 'azurite') }),
      redisUrl ? undefined : spawnRedis({ dir: join(stateDir, 'redis') }),
      flags.cluster ? spawnRedisCluster({ dir: join(stateDir, 'cluster') }) : undefined,
    ]);
    stops.push(() => azurite.stop());
    if (redis) stops.push(() => redis.stop());
    if (cluster) stops.push(() => cluster.stop());

    // 'UseDevelopmentStorage=true' (what `func start` wants) means the embedded Azurite here.
    if (values.AzureWebJobsStorage === 'UseDevelopmentStorage=true') delete values.AzureWebJobsStorage;
    const settings: Record<string, string> = {
      AzureWebJobsStorage: azurite.connectionString,
      REDIS_URL: redisUrl ?? (redis as NonNullable<typeof redis>).url,
      ...(cluster ? { LOCAL_CLUSTER_SEEDS: cluster.seeds.map((s) => `${s.host}:${s.port}`).join(',') } : {}),
      ...values,
    };
    const keys = localKeys(values);
    host = await startHost({ appDir: repoRoot, port, settings, keys });
    // The topic endpoint is known once the host listens; the app reads settings per invocation, so this is in time.
    process.env.EVENTGRID_TOPIC_ENDPOINT ??= host.topic.endpoint;
    process.env.EVENTGRID_TOPIC_KEY ??= host.topic.key;

    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    const lines = [
      '',
      `Redis Cluster Manager is running (ready in ${seconds} s)`,
      `  API          ${host.url}/api   (try: curl ${host.url}/api/health)`,
      `  function key ${host.keys.functionKey}   (header x-functions-key, or ?code=)`,
      `  master key   ${host.keys.masterKey}   (admin routes, POST ${host.url}/admin/functions/<timer>)`,
      `  Event Grid   ${host.topic.endpoint}   (aeg-sas-key ${host.topic.key})`,
      `  Azurite      ${azurite.blobEndpoint} | ${azurite.tableEndpoint}   (state in .local/azurite)`,
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

void main();

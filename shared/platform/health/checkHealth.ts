import type { AppSettings } from '../config/appSettings';
import { storageTarget, tableServiceClient } from '../storage/storageClients';
import { describeRedisUrl, healthRedisClient } from '../redis/healthRedisClient';
import { appVersion } from '../config/appVersion';

/** Outcome of one dependency probe. `skipped` when the dependency is not configured for this deployment. */
export interface DependencyStatus {
  status: 'ok' | 'failed' | 'skipped';
  latencyMs?: number;
  /** Where it was probed, without credentials (`host:port`, account or endpoint host). */
  target?: string;
  /** Why it failed or was skipped: a short, secret-free reason. */
  reason?: string;
}

export interface HealthReport {
  status: 'ok' | 'degraded';
  version: string;
  uptimeSeconds: number;
  checkedAt: string;
  dependencies: { storage: DependencyStatus; redis: DependencyStatus };
}

/** Each probe is bounded: a hung dependency makes health answer 503 in about this long, never hang. @default 2000 */
export const probeTimeoutMs = 2000;

const startedAt = Date.now();

/** Probes the manager's own dependencies concurrently, each with a time limit. */
export async function checkHealth(settings: AppSettings): Promise<HealthReport> {
  const [storage, redis] = await Promise.all([probeStorage(settings), probeRedis(settings)]);
  const failed = storage.status === 'failed' || redis.status === 'failed';
  return {
    status: failed ? 'degraded' : 'ok',
    version: appVersion(),
    uptimeSeconds: Math.round((Date.now() - startedAt) / 1000),
    checkedAt: new Date().toISOString(),
    dependencies: { storage, redis },
  };
}

async function probeStorage(settings: AppSettings): Promise<DependencyStatus> {
  let target;
  try {
    target = storageTarget(settings);
  } catch {
    return { status: 'failed', reason: "storage is not configured ('AzureWebJobsStorage')" };
  }
  const client = tableServiceClient(target);
  const where = target.kind === 'identity' ? target.accountName : new URL(client.url).host;
  return timed(where, async (signal) => {
    await client.listTables().byPage({ maxPageSize: 1 }).next();
    if (signal.aborted) throw new Error('timed out');
  });
}

async function probeRedis(settings: AppSettings): Promise<DependencyStatus> {
  if (!settings.REDIS_URL) return { status: 'skipped', reason: "no 'REDIS_URL' configured" };
  const where = describeRedisUrl(settings.REDIS_URL);
  return timed(where, async () => {
    const client = await healthRedisClient(settings.REDIS_URL as string, probeTimeoutMs);
    const reply = await client.ping();
    if (reply !== 'PONG') throw new Error(`unexpected PING reply`);
  });
}

async function timed(target: string, probe: (signal: AbortSignal) => Promise<void>): Promise<DependencyStatus> {
  const started = performance.now();
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new Error(`no answer within ${probeTimeoutMs} ms`));
    }, probeTimeoutMs);
  });
  try {
    await Promise.race([probe(controller.signal), timeout]);
    return { status: 'ok', target, latencyMs: Math.round((performance.now() - started) * 10) / 10 };
  } catch (err) {
    return { status: 'failed', target, reason: safeReason(err) };
  } finally {
    clearTimeout(timer);
  }
}

/** SDK errors can carry request URLs with SAS tokens or keys: keep only the first line, with anything key-like cut. */
function safeReason(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  const firstLine = message.split('\n')[0] ?? 'failed';
  return firstLine.replace(/(sig|key|password|token|secret)=[^&\s;]+/gi, '$1=[redacted]').slice(0, 200);
}

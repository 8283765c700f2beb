import { existsSync } from 'node:fs';
import { freePort } from '../../tools/local/freePort';
import { spawnManaged } from '../../tools/local/managedProcess';

/** Debian's `prometheus-redis-exporter` binary. */
export const exporterPath = '/usr/bin/prometheus-redis-exporter';

export interface RedisExporter {
  url: string;
  /** One scrape of `/metrics`, parsed: `name{labels}` → value. */
  scrape(): Promise<Map<string, number>>;
  stop(): Promise<void>;
}

/**
 * Starts `prometheus-redis-exporter` on a free loopback port against one Redis node (orphan-protected like every
 * tools/local process) and resolves once it serves `/metrics`.
 * @param extraArgs more exporter flags, e.g. `['--check-streams', 'orders:*']` @default []
 */
export async function startRedisExporter(redisAddress: string, extraArgs: readonly string[] = []): Promise<RedisExporter> {
  if (!existsSync(exporterPath)) throw new Error(`${exporterPath} not found: apt-get install -y prometheus-redis-exporter`);
  const port = await freePort();
  const proc = spawnManaged(exporterPath, ['--redis.addr', `redis://${redisAddress}`, '--web.listen-address', `127.0.0.1:${port}`, '--log-format', 'json', ...extraArgs]);
  const url = `http://127.0.0.1:${port}/metrics`;
  const scrape = async (): Promise<Map<string, number>> => parsePrometheusText(await (await fetch(url)).text());
  for (let i = 0; ; i++) {
    try {
      await scrape();
      break;
    } catch (error) {
      if (proc.hasExited() || i > 200) throw new Error(`prometheus-redis-exporter did not start: ${(error as Error).message}`, { cause: error });
      await new Promise((r) => setTimeout(r, 25));
    }
  }
  return { url, scrape, stop: () => proc.stop() };
}

/** Prometheus text format → `name` or `name{labels as printed}` → value (comments skipped). */
export function parsePrometheusText(text: string): Map<string, number> {
  const values = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const space = line.lastIndexOf(' ');
    values.set(line.slice(0, space), Number(line.slice(space + 1)));
  }
  return values;
}

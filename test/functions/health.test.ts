import { createServer, type Server } from 'node:net';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { startHost, type RunningHost } from '../../tools/host';
import { freePort } from '../../tools/local';
import { azuriteConnectionString } from '../helpers/storage';

// The real app as the host loads it from package.json `main` (dist/, built by `npm test`).
const repoRoot = resolve(__dirname, '..', '..');
let host: RunningHost;

beforeAll(async () => {
  host = await startHost({
    appDir: repoRoot,
    port: 0,
    settings: { AzureWebJobsStorage: azuriteConnectionString(), REDIS_URL: inject('redisStandalone').url },
    log: () => undefined,
  });
});

afterAll(async () => {
  await host?.stop();
});

interface HealthBody {
  status: string;
  version: string;
  uptimeSeconds: number;
  dependencies: Record<'storage' | 'redis', { status: string; target?: string; reason?: string }>;
}

async function health(): Promise<{ status: number; body: HealthBody; text: string; ms: number }> {
  const started = performance.now();
  const res = await fetch(`${host.url}/api/health`);
  const text = await res.text();
  return { status: res.status, body: JSON.parse(text) as HealthBody, text, ms: performance.now() - started };
}

/** Runs `body` with app settings changed (the app reads them per invocation), then restores them. */
async function withSettings<T>(settings: Record<string, string>, body: () => Promise<T>): Promise<T> {
  const saved = Object.fromEntries(Object.keys(settings).map((k) => [k, process.env[k]]));
  Object.assign(process.env, settings);
  try {
    return await body();
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

/** A TCP port that accepts connections and never answers: a hung dependency, not a refused one. */
async function blackHole(): Promise<{ port: number; server: Server }> {
  const port = await freePort();
  const server = createServer(() => undefined);
  await new Promise<void>((ok) => server.listen(port, '127.0.0.1', ok));
  return { port, server };
}

describe('GET /api/health', () => {
  it('answers 200 with storage and redis ok, version and uptime, without a key', async () => {
    const { status, body } = await health();
    expect(status).toBe(200);
    expect(body.status).toBe('ok');
    expect(body.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(body.uptimeSeconds).toBeGreaterThanOrEqual(0);
    expect(body.dependencies.storage).toMatchObject({ status: 'ok' });
    expect(body.dependencies.redis).toMatchObject({ status: 'ok', target: `127.0.0.1:${inject('redisStandalone').port}` });
  });

  it('answers 503 naming redis when it refuses connections, and never echoes its password', async () => {
    const port = await freePort();
    const { status, body, text } = await withSettings({ REDIS_URL: `redis://:hunter2-secret@127.0.0.1:${port}` }, health);
    expect(status).toBe(503);
    expect(body.status).toBe('degraded');
    expect(body.dependencies.redis).toMatchObject({ status: 'failed', target: `127.0.0.1:${port}` });
    expect(body.dependencies.storage.status).toBe('ok');
    expect(text).not.toContain('hunter2-secret');
  });

  it('answers 503 within the probe budget when redis hangs instead of refusing', async () => {
    const { port, server } = await blackHole();
    try {
      const { status, body, ms } = await withSettings({ REDIS_URL: `redis://127.0.0.1:${port}` }, health);
      expect(status).toBe(503);
      expect(body.dependencies.redis.status).toBe('failed');
      expect(ms).toBeLessThan(4000);
    } finally {
      server.close();
    }
  });

  it('answers 503 naming storage when the table endpoint is down, redis still ok', async () => {
    const port = await freePort();
    const deadStorage = azuriteConnectionString().replace(/TableEndpoint=http:\/\/[^/;]+/, `TableEndpoint=http://127.0.0.1:${port}`);
    const { status, body, text } = await withSettings({ AzureWebJobsStorage: deadStorage }, health);
    expect(status).toBe(503);
    expect(body.dependencies.storage).toMatchObject({ status: 'failed', target: `127.0.0.1:${port}` });
    expect(body.dependencies.redis.status).toBe('ok');
    expect(text).not.toMatch(/AccountKey|Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/);
  });

  it('skips redis when no REDIS_URL is configured (Azure) and stays 200', async () => {
    const saved = process.env.REDIS_URL;
    delete process.env.REDIS_URL;
    try {
      const { status, body } = await health();
      expect(status).toBe(200);
      expect(body.dependencies.redis).toMatchObject({ status: 'skipped' });
    } finally {
      process.env.REDIS_URL = saved;
    }
  });

  it('refuses other methods with a JSON error and keeps serving', async () => {
    const res = await fetch(`${host.url}/api/health`, { method: 'POST' });
    expect(res.status).toBe(405);
    expect(res.headers.get('content-type')).toMatch(/json/);
    expect((await health()).status).toBe(200);
  });
});

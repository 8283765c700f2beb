import { createServer, type Server, type Socket } from 'node:net';
import { Cluster } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { RedisConnectionManager } from '../../shared/platform/redis/RedisConnectionManager';
import { isRedisAccessError, type RedisAccessError } from '../../shared/platform/redis/redisErrors';
import { freePort } from '../../tools/local/index';
import { describeEachRedis, useOwnRedis } from '../helpers/redis';
import { testTarget } from './targets';

const managers: RedisConnectionManager[] = [];
function manager(options: ConstructorParameters<typeof RedisConnectionManager>[0] = {}): RedisConnectionManager {
  const m = new RedisConnectionManager(options);
  managers.push(m);
  return m;
}
afterAll(async () => {
  await Promise.all(managers.map((m) => m.closeAll()));
});

async function failure(promise: Promise<unknown>): Promise<RedisAccessError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isRedisAccessError(error)) throw new Error(`expected a RedisAccessError, got ${String(error)}`);
  return error;
}

describeEachRedis('connection manager', (ctx) => {
  it('runs commands on a pooled client and reuses it across calls', async () => {
    const m = manager();
    const target = testTarget(ctx.mode, ctx.seeds);
    const key = `${ctx.prefix}k`;
    const first = await m.run(target, async (c) => {
      const client = await c.client();
      await client.set(key, 'v', 'EX', 60);
      return client;
    });
    const second = await m.run(target, (c) => c.client());
    expect(second).toBe(first);
    expect(first instanceof Cluster).toBe(ctx.mode === 'cluster');
    expect(await ctx.client.get(key)).toBe('v');
    expect(m.circuit(target.id).state).toBe('closed');
  });

  it('opens a fresh connection when the registration changes', async () => {
    const m = manager();
    const target = testTarget(ctx.mode, ctx.seeds, { version: 1 });
    const before = await m.run(target, (c) => c.client());
    const after = await m.run({ ...target, version: 2 }, (c) => c.client());
    expect(after).not.toBe(before);
    expect(await after.ping()).toBe('PONG');
  });

  it('does not count a reply error (WRONGTYPE) against the breaker', async () => {
    const m = manager({ breaker: { failureThreshold: 1 } });
    const target = testTarget(ctx.mode, ctx.seeds);
    const key = `${ctx.prefix}list`;
    await ctx.client.rpush(key, 'a');
    const error = await failure(m.run(target, async (c) => (await c.client()).get(key)));
    expect(error.code).toBe('redis_command_failed');
    expect(error.message).toContain('WRONGTYPE');
    expect(m.circuit(target.id).state).toBe('closed');
  });
});

describe('connection manager: unreachable clusters fail fast', () => {
  it('answers a refused endpoint at once, then opens the circuit and fails without touching the network', async () => {
    const m = manager({ breaker: { failureThreshold: 2, cooldownMs: 400 } });
    const target = testTarget('standalone', [{ host: '127.0.0.1', port: await freePort() }]);
    const started = Date.now();
    const first = await failure(m.run(target, async (c) => (await c.client()).ping()));
    expect(first.code).toBe('redis_unavailable');
    expect(first.message).toContain('ECONNREFUSED');
    expect(first.details.circuit).toMatchObject({ state: 'closed', consecutiveFailures: 1 });
    const second = await failure(m.run(target, async (c) => (await c.client()).ping()));
    expect(second.details.circuit).toMatchObject({ state: 'open', consecutiveFailures: 2, lastFailure: 'connection' });
    const openedAt = Date.now();
    const third = await failure(m.run(target, async (c) => (await c.client()).ping()));
    expect(third.code).toBe('redis_circuit_open');
    expect(third.details.retryAfterSeconds).toBe(1);
    expect(Date.now() - openedAt).toBeLessThan(50);
    expect(Date.now() - started).toBeLessThan(2000);
    await new Promise((r) => setTimeout(r, 450));
    expect(m.circuit(target.id).state).toBe('half-open');
    // The probe fails too: straight back to open.
    expect((await failure(m.run(target, async (c) => (await c.client()).ping()))).code).toBe('redis_unavailable');
    expect(m.circuit(target.id).state).toBe('open');
  });

  it('times out a server that accepts connections but never answers, within the connect timeout', async () => {
    const sockets: Socket[] = [];
    const silent: Server = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as { port: number }).port;
    try {
      const m = manager({ connectTimeoutMs: 300 });
      for (const mode of ['standalone', 'cluster'] as const) {
        const started = Date.now();
        const error = await failure(m.run(testTarget(mode, [{ host: '127.0.0.1', port }]), async (c) => (await c.client()).ping()));
        expect({ mode, code: error.code, message: error.message }).toEqual({ mode, code: 'redis_timeout', message: expect.any(String) });
        expect(Date.now() - started).toBeLessThan(3000);
      }
    } finally {
      sockets.forEach((s) => s.destroy());
      silent.close();
    }
  });

  it('bounds a whole operation by operationTimeoutMs', async () => {
    const m = manager({ operationTimeoutMs: 200 });
    const target = testTarget('standalone', [{ host: '127.0.0.1', port: await freePort() }]);
    const error = await failure(m.run(target, () => new Promise(() => undefined)));
    expect(error.code).toBe('redis_timeout');
  });
});

describe('connection manager: bulkhead', () => {
  it('refuses work beyond the per-cluster limit while other clusters keep running', async () => {
    const m = manager({ bulkhead: { maxConcurrent: 1, maxQueued: 1, queueTimeoutMs: 5000 } });
    const slow = testTarget('standalone', [{ host: '127.0.0.1', port: 1 }]);
    const other = testTarget('standalone', [{ host: '127.0.0.1', port: 1 }]);
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const running = m.run(slow, () => gate);
    const queued = m.run(slow, async () => 'queued ran');
    const refused = await failure(m.run(slow, async () => 'never'));
    expect(refused.code).toBe('redis_busy');
    expect(await m.run(other, async () => 'other cluster ran')).toBe('other cluster ran');
    release();
    await running;
    expect(await queued).toBe('queued ran');
    expect(m.circuit(slow.id).state).toBe('closed');
  });
});

describe('connection manager: password auth from a secret reference', () => {
  const own = useOwnRedis({ password: 's3cret-Value!' });

  it('reads the password from the app setting the reference names', async () => {
    const m = manager({ env: { REDIS_PASSWORD_TEST: 's3cret-Value!' } });
    const target = testTarget('standalone', [own.server], { secretRef: { kind: 'env', name: 'REDIS_PASSWORD_TEST' } });
    expect(await m.run(target, async (c) => (await c.client()).ping())).toBe('PONG');
  });

  it('maps a rejected password to redis_auth_failed without echoing it', async () => {
    const m = manager({ env: { REDIS_PASSWORD_TEST: 'wrong-password-xyz' } });
    const target = testTarget('standalone', [own.server], { secretRef: { kind: 'env', name: 'REDIS_PASSWORD_TEST' } });
    const error = await failure(m.run(target, async (c) => (await c.client()).ping()));
    expect(error.code).toBe('redis_auth_failed');
    expect(JSON.stringify({ message: error.message, details: error.details, stack: error.stack })).not.toContain('wrong-password-xyz');
  });

  it("refuses an env reference to one of the app's own settings at connect time, sending nothing", async () => {
    const storage = 'DefaultEndpointsProtocol=http;AccountName=x;AccountKey=c2VjcmV0LWtleS1vZi10aGUtYXBw';
    for (const name of ['AzureWebJobsStorage', 'API_KEYS', 'EVENTGRID_TOPIC_KEY', 'SOME_OTHER_SETTING']) {
      const m = manager({ env: { [name]: storage } });
      const target = testTarget('standalone', [own.server], { secretRef: { kind: 'env', name } });
      const error = await failure(m.run(target, async (c) => (await c.client()).ping()));
      expect([name, error.code]).toEqual([name, 'redis_secret_unresolved']);
      expect(JSON.stringify({ message: error.message, details: error.details })).not.toContain('AccountKey');
    }
    // Allow-listed by name, a setting named otherwise works; the app's own settings stay refused even when listed.
    const listed = manager({ env: { CACHE_PW: 's3cret-Value!', REDIS_SECRET_SETTINGS: 'CACHE_PW,API_KEYS', API_KEYS: 'x' } });
    expect(await listed.run(testTarget('standalone', [own.server], { secretRef: { kind: 'env', name: 'CACHE_PW' } }), async (c) => (await c.client()).ping())).toBe('PONG');
    const error = await failure(listed.run(testTarget('standalone', [own.server], { secretRef: { kind: 'env', name: 'API_KEYS' } }), async (c) => (await c.client()).ping()));
    expect(error.code).toBe('redis_secret_unresolved');
  });

  it('reports an unset app setting as redis_secret_unresolved, naming the setting', async () => {
    const m = manager({ env: {} });
    const target = testTarget('standalone', [own.server], { secretRef: { kind: 'env', name: 'REDIS_SECRET_NOT_SET' } });
    const error = await failure(m.run(target, async (c) => (await c.client()).ping()));
    expect(error.code).toBe('redis_secret_unresolved');
    expect(error.message).toContain('REDIS_SECRET_NOT_SET');
  });
});

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { spawnRedis } from '../../tools/local/index';
import { isPidAlive, nodeTs, startProcess, waitForPidsToExit } from '../helpers/processes';

const owner = join(__dirname, 'fixtures', 'orphanOwner.ts');

async function startOwner(...args: string[]): Promise<{ proc: ReturnType<typeof startProcess>; pids: number[]; dirs: string[] }> {
  const [node, argv] = nodeTs(owner, ...args);
  const proc = startProcess(node, argv);
  const match = await proc.waitForOutput(/READY (.*)\n/, 30_000);
  const { pids, dirs } = JSON.parse(match[1] ?? '{}') as { pids: number[]; dirs: string[] };
  return { proc, pids, dirs };
}

describe('spawnRedis', () => {
  it('starts a private server with a password and stops idempotently', async () => {
    const server = await spawnRedis({ password: 's3cret', args: ['--maxmemory', '5mb'] });
    const client = new Redis(server.url, { lazyConnect: true, maxRetriesPerRequest: 0 });
    try {
      await client.connect();
      expect(await client.config('GET', 'maxmemory')).toEqual(['maxmemory', String(5 * 1024 * 1024)]);
      expect(await client.config('GET', 'save')).toEqual(['save', '']);
    } finally {
      client.disconnect();
    }
    await Promise.all([server.stop(), server.stop()]);
    await server.stop();
    expect(isPidAlive(server.pid)).toBe(false);
    expect(existsSync(server.dir)).toBe(false);
  });

  it('fails with the log tail when redis-server cannot start', async () => {
    await expect(spawnRedis({ args: ['--no-such-option', 'x'] })).rejects.toThrow(/failed to start[\s\S]*no-such-option/i);
  });
});

describe('orphan protection', () => {
  it('kills redis-server and Azurite within seconds when their owner is SIGKILLed', async () => {
    const { proc, pids, dirs } = await startOwner('--azurite');
    expect(pids.every(isPidAlive)).toBe(true);
    process.kill(proc.pid, 'SIGKILL');
    expect(await waitForPidsToExit(pids, 5000)).toEqual([]);
    await expect.poll(() => dirs.filter((d) => existsSync(d)), { timeout: 3000 }).toEqual([]);
  }, 40_000);

  it('kills redis-server when its owner gets SIGTERM', async () => {
    const { proc, pids } = await startOwner();
    process.kill(proc.pid, 'SIGTERM');
    expect(await waitForPidsToExit(pids, 5000)).toEqual([]);
  }, 40_000);
});

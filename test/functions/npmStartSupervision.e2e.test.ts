import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../../tools/local';
import { isPidAlive, startProcess } from '../helpers/processes';

// Issue #12 item 14: `npm start` supervises Azurite and redis-server. SIGKILL either one: the supervisor logs it,
// starts it again behind the same ports, and the running host recovers by itself — no restart of npm start.
const repoRoot = resolve(__dirname, '..', '..');
const stateDir = mkdtempSync(join(tmpdir(), 'rcm-supervise-'));
afterAll(() => rmSync(stateDir, { recursive: true, force: true }));

/** Pids of processes whose command line contains `needle` (ours: the state dir or port is unique to this test). */
function pidsOf(needle: string): number[] {
  const out = execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' });
  return out
    .split('\n')
    .filter((line) => line.includes(needle) && !line.includes('ps -eo'))
    .map((line) => Number(line.trim().split(/\s+/)[0]))
    .filter((pid) => pid > 0);
}

describe('npm start supervision', () => {
  it('restarts a SIGKILLed Azurite and redis-server; the host recovers without a restart', async () => {
    const port = await freePort();
    const env: NodeJS.ProcessEnv = { ...process.env, RCM_STATE_DIR: stateDir, CI: 'true' };
    delete env.REDIS_URL;
    const proc = startProcess(process.execPath, [join(repoRoot, 'dist/tools/start.js'), '--port', String(port)], { cwd: repoRoot, env });
    await proc.waitForOutput(/Press Ctrl-C/, 45_000);
    const url = `http://127.0.0.1:${port}`;
    const keys = JSON.parse(readFileSync(join(stateDir, 'keys.json'), 'utf8')) as { functionKey: string; adminApiKey: string };
    const headers = { 'x-functions-key': keys.functionKey, 'x-api-key': keys.adminApiKey, 'content-type': 'application/json' };
    const call = async (method: string, path: string, body?: unknown) => {
      const started = performance.now();
      const res = await fetch(`${url}${path}`, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
      const text = await res.text();
      // Never a 500 on the way: storage or Redis being down is a 503 with a code.
      if (res.status >= 500 && res.status !== 503) errors.push(`${method} ${path} → ${res.status} ${text}`);
      return { status: res.status, text, ms: performance.now() - started };
    };
    const errors: string[] = [];
    const until = async (what: string, probe: () => Promise<boolean>, timeoutMs: number) => {
      const deadline = Date.now() + timeoutMs;
      while (!(await probe())) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${proc.output().slice(-3000)}`);
        await sleep(200);
      }
    };

    // --- Azurite ---
    // A SIGKILLed Azurite loses what changed since its last autosave (every 5 s; docs/jobs.md "Durability"): let it
    // save the start's registrations first, so what follows tests recovery, not that known emulator loss.
    await sleep(7000);
    const [azurite] = pidsOf(join(stateDir, 'azurite'));
    expect(azurite).toBeGreaterThan(0);
    process.kill(azurite as number, 'SIGKILL');
    // While it is down: a fast, retryable answer (the storage deadline), not a hang and not a 500.
    const down = await call('GET', '/api/clusters');
    expect([200, 503], down.text).toContain(down.status);
    if (down.status === 503) expect(JSON.parse(down.text)).toMatchObject({ code: 'storage_unavailable' });
    expect(down.ms).toBeLessThan(3000);
    await proc.waitForOutput(/\[supervisor\] azurite \(pid \d+\) exited unexpectedly \(signal SIGKILL\); restarting/, 10_000);
    await proc.waitForOutput(/\[supervisor\] azurite restarted \(pid \d+\)/, 30_000);
    await until('the admin API to answer again', async () => [200, 201].includes((await call('PUT', '/api/clusters/local/namespaces/after-azurite', { keyPattern: 'aa:*' })).status), 20_000);
    expect((await call('GET', '/api/clusters/local/namespaces/after-azurite')).status).toBe(200);
    const [restartedAzurite] = pidsOf(join(stateDir, 'azurite'));
    expect(restartedAzurite).not.toBe(azurite);

    // --- redis-server ---
    const redisPort = /Redis\s+redis:\/\/127\.0\.0\.1:(\d+)/.exec(proc.output())?.[1] ?? '';
    const [redis] = pidsOf(`redis-server 127.0.0.1:${redisPort}`);
    expect(redis).toBeGreaterThan(0);
    process.kill(redis as number, 'SIGKILL');
    await proc.waitForOutput(/\[supervisor\] redis-server \(pid \d+\) exited unexpectedly \(signal SIGKILL\); restarting/, 10_000);
    await proc.waitForOutput(/\[supervisor\] redis-server restarted/, 30_000);
    // Same port, so the registered cluster `local` works again once the app's pooled connection reconnects.
    await until('topology of the local Redis', async () => (await call('GET', '/api/clusters/local/topology')).status === 200, 30_000);
    expect(isPidAlive(redis as number)).toBe(false);

    expect(errors, proc.output().slice(-4000)).toEqual([]);

    proc.child.kill('SIGINT');
    await proc.exited;
    expect(proc.child.exitCode).toBe(0);
    expect(pidsOf(stateDir).filter(isPidAlive)).toEqual([]);
  }, 150_000);
});

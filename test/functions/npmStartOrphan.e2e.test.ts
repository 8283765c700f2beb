import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../../tools/local';
import { isPidAlive } from '../helpers/processes';

// `npm start` whose reader is gone (a parent that piped its output died, a closed terminal) stops itself and its
// Azurite and redis-server, instead of writing errors to the closed pipe forever (it spun at ~60 % of a core).
const repoRoot = resolve(__dirname, '..', '..');
const stateDir = mkdtempSync(join(tmpdir(), 'rcm-orphan-'));
let started: number | undefined;
afterAll(() => {
  // A failing run must not leave the host behind (it would spin at 60 % of a core).
  if (started !== undefined && isPidAlive(started)) process.kill(started, 'SIGKILL');
  rmSync(stateDir, { recursive: true, force: true });
});

describe('npm start without a reader', () => {
  it('stops when its output pipe closes, and takes its local processes with it', async () => {
    const port = await freePort();
    const env: NodeJS.ProcessEnv = { ...process.env, RCM_STATE_DIR: stateDir, CI: 'true' };
    delete env.REDIS_URL;
    const child = spawn(process.execPath, [join(repoRoot, 'dist/tools/start.js'), '--port', String(port)], { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const deadline = Date.now() + 45_000;
    while (!/Press Ctrl-C/.test(out)) {
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`npm start did not come up:\n${out.slice(-3000)}`);
      await sleep(100);
    }
    const pid = child.pid as number;
    started = pid;
    const keys = JSON.parse(readFileSync(join(stateDir, 'keys.json'), 'utf8')) as { functionKey: string; adminApiKey: string };
    // The reader goes away; the next thing the host logs (a request) meets a closed pipe.
    child.stdout.destroy();
    child.stderr.destroy();
    for (let i = 0; i < 5 && isPidAlive(pid); i++) {
      await fetch(`http://127.0.0.1:${port}/api/clusters`, { headers: { 'x-functions-key': keys.functionKey, 'x-api-key': keys.adminApiKey } }).catch(() => undefined);
      await sleep(200);
    }
    const gone = Date.now() + 30_000;
    while (isPidAlive(pid) && Date.now() < gone) await sleep(200);
    expect(isPidAlive(pid), 'npm start still running 30 s after its output closed').toBe(false);
    const stillThere = (await import('node:child_process')).execFileSync('ps', ['-eo', 'args='], { encoding: 'utf8' }).split('\n').filter((l) => l.includes(stateDir));
    expect(stillThere).toEqual([]);
  });
});

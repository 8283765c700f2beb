import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../../tools/local';
import { startProcess } from '../helpers/processes';

// `npm start` as a user runs it (dist/tools/start.js, built by `npm test`), with its state in a temporary folder:
// everything up, the local Redis and cluster registered, then Ctrl-C (SIGINT) leaves no process behind — twice,
// because a second start on the same state folder must work too, and find the first one's state.
const repoRoot = resolve(__dirname, '..', '..');
const stateDir = mkdtempSync(join(tmpdir(), 'rcm-start-'));
afterAll(() => rmSync(stateDir, { recursive: true, force: true }));

function listening(port: number): Promise<boolean> {
  return new Promise((done) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      done(true);
    });
    socket.once('error', () => done(false));
  });
}

/** Runs one start → checks → Ctrl-C cycle; returns when the `local` registration was first created. */
async function startOnce(): Promise<string> {
  const port = await freePort();
  const env: NodeJS.ProcessEnv = { ...process.env, RCM_STATE_DIR: stateDir, CI: 'true' };
  delete env.REDIS_URL;
  const proc = startProcess(process.execPath, [join(repoRoot, 'dist/tools/start.js'), '--cluster', '--port', String(port)], { cwd: repoRoot, env });
  await proc.waitForOutput(/Press Ctrl-C/, 30_000);
  const ports = [...proc.output().matchAll(/127\.0\.0\.1:(\d+)/g)].map((m) => Number(m[1])).filter((p) => p !== port);
  expect(ports.length).toBeGreaterThanOrEqual(6);

  const health = await fetch(`http://127.0.0.1:${port}/api/health`);
  expect(health.status).toBe(200);
  const keys = JSON.parse(readFileSync(join(stateDir, 'keys.json'), 'utf8')) as { functionKey: string; adminApiKey: string };
  const clusters = await fetch(`http://127.0.0.1:${port}/api/clusters`, { headers: { 'x-functions-key': keys.functionKey, 'x-api-key': keys.adminApiKey } });
  const items = ((await clusters.json()) as { items: { id: string; createdAt: string }[] }).items;
  expect(items.map((c) => c.id).sort()).toEqual(['local', 'local-cluster']);
  const createdAt = items.find((c) => c.id === 'local')?.createdAt ?? '';

  proc.child.kill('SIGINT');
  await proc.exited;
  expect(proc.child.exitCode).toBe(0);
  const still = (await Promise.all([port, ...ports].map(async (p) => ((await listening(p)) ? p : null)))).filter((p) => p !== null);
  expect(still, 'ports still answering after Ctrl-C').toEqual([]);
  return createdAt;
}

describe('npm start', () => {
  it('starts everything, registers the local clusters, and Ctrl-C leaves nothing running; twice', async () => {
    const first = await startOnce();
    // State is on disk (as Table Storage would keep it): the second start finds the first one's registration.
    expect(await startOnce()).toBe(first);
  }, 90_000);
});

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../../tools/local';
import { startProcess } from '../helpers/processes';

// Finding 1 under `npm start` itself (dist/tools/start.js, as a user runs it): the eventgrid_extension system key is
// generated, kept in .local/keys.json with the other keys, and the webhook refuses deliveries without it.
const repoRoot = resolve(__dirname, '..', '..');
const stateDir = mkdtempSync(join(tmpdir(), 'rcm-sec-start-'));
afterAll(() => rmSync(stateDir, { recursive: true, force: true }));

describe('npm start: the Event Grid webhook key', () => {
  it('is generated into .local/keys.json, survives a restart, and is the only way into the webhook', async () => {
    const keys: string[] = [];
    for (let run = 0; run < 2; run++) {
      const port = await freePort();
      const env: NodeJS.ProcessEnv = { ...process.env, RCM_STATE_DIR: stateDir, CI: 'true' };
      delete env.REDIS_URL;
      const proc = startProcess(process.execPath, [join(repoRoot, 'dist/tools/start.js'), '--port', String(port)], { cwd: repoRoot, env });
      try {
        await proc.waitForOutput(/Press Ctrl-C/, 60_000);
        const stored = JSON.parse(readFileSync(join(stateDir, 'keys.json'), 'utf8')) as { eventGridKey?: string; functionKey: string };
        expect(stored.eventGridKey ?? '').toMatch(/^[A-Za-z0-9_-]{32,}$/);
        keys.push(stored.eventGridKey as string);
        const hook = (code: string | null) =>
          fetch(`http://127.0.0.1:${port}/runtime/webhooks/eventgrid?functionName=evictionOnMemoryAlert${code === null ? '' : `&code=${code}`}`, {
            method: 'POST',
            headers: { 'content-type': 'text/plain', 'aeg-event-type': 'Notification' },
            body: '[]',
          });
        expect((await hook(null)).status).toBe(401);
        expect((await hook('wrong')).status).toBe(401);
        expect((await hook(stored.functionKey)).status).toBe(401);
        expect((await hook(stored.eventGridKey as string)).status).not.toBe(401);
      } finally {
        proc.child.kill('SIGINT');
        await proc.exited;
      }
    }
    expect(keys[1]).toBe(keys[0]);
  }, 150_000);
});

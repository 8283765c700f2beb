import { execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { rcmBin, useCliHarness } from './cliHarness';
import { envPrefix, shellQuote, tmuxServer, type Session } from './tmuxTerminal';

// The completion scripts in the real shells: bash by calling the completion function as bash does, zsh typed into
// an interactive `zsh -f` in a tmux terminal (Tab pressed, the screen read), both with `rcm` on PATH asking the real
// admin API for cluster ids and namespaces.
const h = useCliHarness();
const tmux = tmuxServer(`rcm-completion-${process.pid}`);
const bin = mkdtempSync(join(tmpdir(), 'rcm-bin-'));
/** The environment of the shells: the harness's connection, and `rcm` on PATH as an installed package puts it. */
const env = (): Record<string, string> => ({ ...h.env('reader'), PATH: `${bin}:${process.env['PATH'] ?? ''}`, TERM: 'xterm-256color' });

beforeAll(async () => {
  writeFileSync(join(bin, 'rcm'), `#!/bin/sh\nexec ${shellQuote(process.execPath)} ${shellQuote(rcmBin)} "$@"\n`);
  chmodSync(join(bin, 'rcm'), 0o755);
  const { host, port } = inject('redisStandalone');
  for (const id of ['comp-alpha', 'comp-beta']) expect((await h.rcm(['clusters', 'add', id, '--mode', 'standalone', '--endpoint', `${host}:${port}`])).code).toBe(0);
  expect((await h.rcm(['ns', 'set', 'comp-alpha', 'items', '--pattern', 'comp-items:*'])).code).toBe(0);
}, 60_000);

afterAll(() => {
  tmux.kill();
  rmSync(bin, { recursive: true, force: true });
});

describe('bash completion', () => {
  let script = '';
  /** COMPREPLY for a command line whose last word is being completed, from the real bash. */
  const complete = async (words: string[]): Promise<string[]> => {
    const line = `${script}\nCOMP_WORDS=(${words.map(shellQuote).join(' ')}); COMP_CWORD=${words.length - 1}; _rcm; printf '%s\\n' "\${COMPREPLY[@]}"`;
    const r = await new Promise<{ stdout: string; stderr: string }>((resolve, reject) => {
      execFile('bash', ['--norc', '-c', line], { env: env(), timeout: 30_000 }, (error, stdout, stderr) => (error ? reject(error) : resolve({ stdout, stderr })));
    });
    expect(r.stderr).toBe('');
    return r.stdout.split('\n').filter((w) => w !== '');
  };

  it('completes commands, sub-commands, flags, cluster ids and namespaces from the API', async () => {
    script = (await h.rcm(['completion', 'bash'])).stdout;
    expect(await complete(['rcm', 'inv'])).toEqual(['invalidate']);
    expect(await complete(['rcm', 'clusters', ''])).toEqual(['ls', 'show', 'add', 'rm']);
    expect(await complete(['rcm', 'top', ''])).toEqual(['comp-alpha', 'comp-beta']);
    expect(await complete(['rcm', 'clusters', 'show', 'comp-b'])).toEqual(['comp-beta']);
    expect(await complete(['rcm', 'clusters', 'add', ''])).toEqual([]); // a new id: nothing to offer
    expect(await complete(['rcm', 'ns', 'set', 'comp-alpha', ''])).toEqual(['items']);
    // Flags and their values are skipped when counting positionals.
    expect(await complete(['rcm', 'invalidate', '--rate', '100', 'comp-alpha', 'i'])).toEqual(['items']);
    expect(await complete(['rcm', 'invalidate', '--rate', ''])).toEqual([]);
    expect(await complete(['rcm', 'invalidate', 'comp-alpha', 'items', '--ra'])).toEqual(['--rate']);
    expect(await complete(['rcm', 'completion', ''])).toEqual(['bash', 'zsh']);
    expect(await complete(['rcm', '--js'])).toEqual(['--json']);
  });
});

describe('zsh completion', () => {
  let term: Session;
  /** Types `line` at a fresh prompt and presses Tab; resolves with the screen once `expected` shows on it. */
  const tab = async (line: string, expected: RegExp): Promise<string> => {
    // Line editor keys, read in order with what follows (a Ctrl-C would be a signal, racing the typed text).
    term.keys('C-u', 'C-l');
    await term.waitFor('a clear prompt', (l) => l[0] === '%' && l.slice(1).every((x) => x === ''));
    term.type(line);
    term.keys('Tab');
    return (await term.waitFor(`${JSON.stringify(line)} + Tab → ${String(expected)}`, (l) => expected.test(l.join('\n')), 20_000)).join('\n');
  };

  it('completes commands, sub-commands, flags, cluster ids and namespaces in an interactive zsh', async () => {
    // No rc files: the script is all the setup (it starts compinit itself when it is not running yet).
    term = tmux.session('zsh', `${envPrefix({ ...env(), HOME: h.home })} zsh -f -i`, 120, 30);
    term.type(`PROMPT='%% '`);
    term.keys('Enter');
    term.type('source <(rcm completion zsh) && echo SOURCED');
    term.keys('Enter');
    await term.waitFor('the script sourced without error', (l) => l.includes('SOURCED'), 20_000);
    expect(term.screen().join('\n')).not.toMatch(/command not found|parse error|insecure/);

    await tab('rcm inv', /^% rcm invalidate\s*$/m);
    await tab('rcm clusters ', /^add +ls +rm +show$/m);
    await tab('rcm top ', /^% rcm top comp-$/m); // the ids' common part first, as zsh does
    await tab('rcm top comp-', /^comp-alpha +comp-beta$/m);
    await tab('rcm ns set comp-b', /^% rcm ns set comp-beta\s*$/m);
    await tab('rcm invalidate comp-alpha ', /^% rcm invalidate comp-alpha items\s*$/m);
    await tab('rcm invalidate --rate 100 comp-alpha i', /^% rcm invalidate --rate 100 comp-alpha items\s*$/m);
    await tab('rcm hygiene comp-alpha items --dr', /^% rcm hygiene comp-alpha items --dry-run\s*$/m);
    await tab('rcm completion z', /^% rcm completion zsh\s*$/m);
  }, 120_000);
});

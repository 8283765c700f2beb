import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { freePort } from '../../tools/local/index';
import { azuriteConnectionString, uniqueTableName } from '../helpers/storage';
import { nodeTs, runCommand, startProcess, type BackgroundProcess, type CommandResult } from '../helpers/processes';

export const repoRoot = resolve(__dirname, '..', '..');
/** The compiled CLI, exactly what the package's `bin` entry points at. */
export const rcmBin = join(repoRoot, 'dist', 'cli', 'main.js');
/** test/jobs/hostChild.ts gives its host these keys. */
export const functionKey = 'child-function-key-0123456789';
export const keys = {
  admin: 'cli-e2e-admin-key-0123456789abc',
  operator: 'cli-e2e-operator-key-0123456789',
  reader: 'cli-e2e-reader-key-0123456789ab',
} as const;

export interface CliHarness {
  readonly url: string;
  /** A fresh HOME / XDG_CONFIG_HOME for this file (profiles are written there). */
  readonly home: string;
  /** Runs `node dist/cli/main.js ...args` as a subprocess, stdin/stdout piped, with the admin key unless told. */
  rcm(args: string[], options?: { env?: Record<string, string | undefined>; input?: string; as?: keyof typeof keys | 'none'; timeoutMs?: number }): Promise<CommandResult>;
  /** The environment `rcm` runs with (for pseudo-terminal tests that build their own command line). */
  env(as?: keyof typeof keys): Record<string, string>;
}

/**
 * The real app (dist/) in a local Functions host of its own process (test/jobs/hostChild.ts, fresh tables),
 * and the real CLI as a subprocess against it. Started in beforeAll, stopped in afterAll.
 */
export function useCliHarness(): CliHarness {
  let proc: BackgroundProcess | undefined;
  let url = '';
  const home = mkdtempSync(join(tmpdir(), 'rcm-cli-home-'));
  beforeAll(async () => {
    const port = await freePort();
    const [node, argv] = nodeTs(join(repoRoot, 'test', 'jobs', 'hostChild.ts'), String(port), 'cli-e2e-topic-key-0123');
    const settings = {
      AzureWebJobsStorage: azuriteConnectionString(),
      STATE_TABLE_PREFIX: uniqueTableName('cli'),
      API_KEYS: `ada:admin:${keys.admin};otto:operator:${keys.operator};rita:reader:${keys.reader}`,
    };
    proc = startProcess(node, argv, { env: { ...process.env, RCM_CHILD_SETTINGS: JSON.stringify(settings) } });
    url = (await proc.waitForOutput(/READY (\S+)/, 60_000))[1] as string;
  }, 90_000);
  afterAll(async () => {
    await proc?.stop();
    rmSync(home, { recursive: true, force: true });
  });
  const env = (as: keyof typeof keys = 'admin'): Record<string, string> => ({
    PATH: process.env['PATH'] ?? '',
    HOME: home,
    XDG_CONFIG_HOME: join(home, '.config'),
    RCM_URL: url,
    RCM_FUNCTION_KEY: functionKey,
    RCM_API_KEY: keys[as],
    // Far from any real `npm start` state (the repo's .local is searched for local URLs only).
    RCM_STATE_DIR: join(home, 'no-state'),
  });
  return {
    get url() {
      return url;
    },
    home,
    env,
    async rcm(args, options = {}) {
      const base: Record<string, string | undefined> = options.as === 'none' ? { ...env(), RCM_API_KEY: undefined, RCM_FUNCTION_KEY: undefined } : env(options.as ?? 'admin');
      const merged = Object.fromEntries(Object.entries({ ...base, ...options.env }).filter((e): e is [string, string] => e[1] !== undefined));
      return runCommand(process.execPath, [rcmBin, ...args], { env: merged, cwd: home, ...(options.input !== undefined ? { input: options.input } : {}), timeoutMs: options.timeoutMs ?? 60_000 });
    },
  };
}

/** Parses stdout as JSON, failing with the whole output when it is not. */
export function json<T = any>(result: CommandResult): T { // eslint-disable-line @typescript-eslint/no-explicit-any -- assertions read arbitrary JSON
  try {
    return JSON.parse(result.stdout) as T;
  } catch {
    throw new Error(`not JSON (exit ${String(result.code)}):\n${result.stdout}\n${result.stderr}`);
  }
}

/** Tab-separated rows of piped table output. */
export function rows(result: CommandResult): string[][] {
  return result.stdout.split('\n').filter((l) => l !== '').map((l) => l.split('\t'));
}

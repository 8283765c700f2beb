import { closeSync, existsSync, openSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describeExit, spawnManaged } from './managedProcess';
import { waitFor } from './waitFor';
import { workDir } from './workDir';

export interface AzuriteProcess {
  blobEndpoint: string;
  queueEndpoint: string;
  tableEndpoint: string;
  /** Standard development-storage connection string (devstoreaccount1) pointing at the three endpoints. */
  connectionString: string;
  /** The ports it listens on (pass them as `ports` to restart it behind the same endpoints). */
  ports: { blob: number; queue: number; table: number };
  pid: number;
  dir: string;
  /** Resolves when the process has exited, for whatever reason, with how (`code 1`, `signal SIGKILL`). */
  exited: Promise<string>;
  /** SIGTERM (Azurite saves its state then), SIGKILL only after the grace period; waits for exit; idempotent. */
  stop(): Promise<void>;
}

export interface SpawnAzuriteOptions {
  /** Working directory (`--location` when not in memory); @default a fresh temp dir, deleted on stop */
  dir?: string;
  /** `--inMemoryPersistence`: nothing written to disk. @default true */
  inMemory?: boolean;
  /**
   * Fixed ports (a restart keeps the endpoints the app's connection string names). @default kernel-chosen ports
   */
  ports?: { blob: number; queue: number; table: number };
}

/** The publicly documented Azurite / storage-emulator account. Not a secret. */
export const AZURITE_ACCOUNT = 'devstoreaccount1';
export const AZURITE_KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

const HOST = '127.0.0.1';
const START_TIMEOUT_MS = 30_000;
/** Time an on-disk Azurite gets to save after SIGTERM before it is SIGKILLed (a big state takes seconds to write). */
const SAVE_GRACE_MS = 60_000;
const LISTENING = /Azurite (Blob|Queue|Table) service is successfully listening at (http:\/\/\S+)/g;

/** Starts Azurite (blob + queue + table) from node_modules on kernel-chosen ports, read back from its stdout. */
export async function spawnAzurite(opts: SpawnAzuriteOptions = {}): Promise<AzuriteProcess> {
  const inMemory = opts.inMemory ?? true;
  const dir = await workDir('azurite', opts.dir);
  const args = [
    azuriteEntry(),
    '--blobHost', HOST, '--queueHost', HOST, '--tableHost', HOST,
    '--blobPort', String(opts.ports?.blob ?? 0), '--queuePort', String(opts.ports?.queue ?? 0), '--tablePort', String(opts.ports?.table ?? 0),
    '--skipApiVersionCheck', '--loose', '--disableProductStyleUrl', '--disableTelemetry', '--silent',
    ...(inMemory ? ['--inMemoryPersistence'] : ['--location', dir.path]),
  ];
  const env = { ...process.env };
  delete env['NODE_OPTIONS'];
  // On disk, Azurite keeps its LokiJS databases in memory and writes them out every 5 s and on SIGTERM/SIGINT
  // (node_modules/azurite/dist/src/table/persistence/LokiTableMetadataStore.js: autosaveInterval 5000; close()
  // saves when dirty). A SIGKILL loses what changed since the last save, so it gets a long grace to save in.
  const graceMs = inMemory ? 5000 : SAVE_GRACE_MS;
  // Output goes to a file, never to a pipe: when the owner dies (kill -9), a pipe's reader is gone, and Azurite's
  // shutdown message ("... is closing") then fails with EPIPE, an uncaught error that killed it mid-save.
  const outFile = join(dir.path, 'azurite.out');
  const from = existsSync(outFile) ? statSync(outFile).size : 0;
  const fd = openSync(outFile, 'a');
  const proc = (() => {
    try {
      return spawnManaged(process.execPath, args, { cwd: dir.path, env, stdio: ['ignore', fd, fd], graceMs });
    } finally {
      closeSync(fd);
    }
  })();
  const output = (): string => {
    try {
      return readFileSync(outFile).subarray(from).toString();
    } catch {
      return '';
    }
  };
  const endpoints = new Map<string, string>();
  const stop = async (): Promise<void> => {
    await proc.stop();
    await dir.dispose();
  };
  try {
    const state = await waitFor('azurite to listen', async () => {
      for (const match of output().matchAll(LISTENING)) endpoints.set(match[1] ?? '', match[2] ?? '');
      if (endpoints.size === 3) return 'ready';
      return proc.hasExited() ? 'exited' : undefined;
    }, { timeoutMs: START_TIMEOUT_MS, intervalMs: 25 });
    if (state === 'exited') throw new Error(`azurite exited during startup (code ${proc.child.exitCode ?? proc.child.signalCode})`);
  } catch (err) {
    const tail = output().slice(-4000).trimEnd();
    await stop();
    throw new Error(`azurite failed to start: ${(err as Error).message}\n--- output ---\n${tail}`, { cause: err });
  }
  const endpoint = (service: string): string => `${endpoints.get(service) ?? ''}/${AZURITE_ACCOUNT}`;
  const blobEndpoint = endpoint('Blob');
  const queueEndpoint = endpoint('Queue');
  const tableEndpoint = endpoint('Table');
  const connectionString =
    `DefaultEndpointsProtocol=http;AccountName=${AZURITE_ACCOUNT};AccountKey=${AZURITE_KEY};` +
    `BlobEndpoint=${blobEndpoint};QueueEndpoint=${queueEndpoint};TableEndpoint=${tableEndpoint};`;
  const portOf = (service: string): number => Number(new URL(endpoints.get(service) ?? 'http://x:0').port);
  const ports = { blob: portOf('Blob'), queue: portOf('Queue'), table: portOf('Table') };
  return { blobEndpoint, queueEndpoint, tableEndpoint, connectionString, ports, pid: proc.pid, dir: dir.path, exited: proc.exited.then(() => describeExit(proc.child)), stop };
}

/** `node_modules/azurite/dist/src/azurite.js`, found by walking up from this file and from the cwd. */
function azuriteEntry(): string {
  const starts = [__dirname, process.cwd()];
  for (const start of starts) {
    for (let dir = start; ; dir = dirname(dir)) {
      const candidate = join(dir, 'node_modules', 'azurite', 'dist', 'src', 'azurite.js');
      if (existsSync(candidate)) return candidate;
      if (dirname(dir) === dir) break;
    }
  }
  throw new Error('azurite not found in node_modules: run npm ci (it is a devDependency)');
}

import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { OutputTail } from './logTail';
import { spawnManaged } from './managedProcess';
import { workDir } from './workDir';

export interface AzuriteProcess {
  blobEndpoint: string;
  queueEndpoint: string;
  tableEndpoint: string;
  /** Standard development-storage connection string (devstoreaccount1) pointing at the three endpoints. */
  connectionString: string;
  pid: number;
  dir: string;
  /** SIGTERM, SIGKILL after 5 s; waits for exit; idempotent. */
  stop(): Promise<void>;
}

export interface SpawnAzuriteOptions {
  /** Working directory (`--location` when not in memory); @default a fresh temp dir, deleted on stop */
  dir?: string;
  /** `--inMemoryPersistence`: nothing written to disk. @default true */
  inMemory?: boolean;
}

/** The publicly documented Azurite / storage-emulator account. Not a secret. */
export const AZURITE_ACCOUNT = 'devstoreaccount1';
export const AZURITE_KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

const HOST = '127.0.0.1';
const START_TIMEOUT_MS = 30_000;
const LISTENING = /Azurite (Blob|Queue|Table) service is successfully listening at (http:\/\/\S+)/g;

/** Starts Azurite (blob + queue + table) from node_modules on kernel-chosen ports, read back from its stdout. */
export async function spawnAzurite(opts: SpawnAzuriteOptions = {}): Promise<AzuriteProcess> {
  const inMemory = opts.inMemory ?? true;
  const dir = await workDir('azurite', opts.dir);
  const args = [
    azuriteEntry(),
    '--blobHost', HOST, '--queueHost', HOST, '--tableHost', HOST,
    '--blobPort', '0', '--queuePort', '0', '--tablePort', '0',
    '--skipApiVersionCheck', '--loose', '--disableProductStyleUrl', '--disableTelemetry', '--silent',
    ...(inMemory ? ['--inMemoryPersistence'] : ['--location', dir.path]),
  ];
  const env = { ...process.env };
  delete env['NODE_OPTIONS'];
  const proc = spawnManaged(process.execPath, args, { cwd: dir.path, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const tail = new OutputTail();
  const endpoints = new Map<string, string>();
  // Keep draining both pipes for the whole life of the process: a full pipe would block Azurite's console.log.
  proc.child.stderr?.on('data', (chunk: Buffer) => tail.push(chunk));
  const stop = async (): Promise<void> => {
    await proc.stop();
    await dir.dispose();
  };
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out after ${START_TIMEOUT_MS} ms`)), START_TIMEOUT_MS);
      let seen = '';
      proc.child.stdout?.on('data', (chunk: Buffer) => {
        tail.push(chunk);
        if (endpoints.size === 3) return;
        seen += chunk.toString();
        for (const match of seen.matchAll(LISTENING)) endpoints.set(match[1] ?? '', match[2] ?? '');
        if (endpoints.size === 3) {
          clearTimeout(timer);
          resolve();
        }
      });
      void proc.exited.then(() => {
        clearTimeout(timer);
        reject(new Error(`azurite exited during startup (code ${proc.child.exitCode ?? proc.child.signalCode})`));
      });
    });
  } catch (err) {
    await stop();
    throw new Error(`azurite failed to start: ${(err as Error).message}\n--- output ---\n${tail.toString()}`, { cause: err });
  }
  const endpoint = (service: string): string => `${endpoints.get(service) ?? ''}/${AZURITE_ACCOUNT}`;
  const blobEndpoint = endpoint('Blob');
  const queueEndpoint = endpoint('Queue');
  const tableEndpoint = endpoint('Table');
  const connectionString =
    `DefaultEndpointsProtocol=http;AccountName=${AZURITE_ACCOUNT};AccountKey=${AZURITE_KEY};` +
    `BlobEndpoint=${blobEndpoint};QueueEndpoint=${queueEndpoint};TableEndpoint=${tableEndpoint};`;
  return { blobEndpoint, queueEndpoint, tableEndpoint, connectionString, pid: proc.pid, dir: dir.path, stop };
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

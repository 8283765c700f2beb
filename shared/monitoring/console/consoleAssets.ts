import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { dashboardAssetNames } from './dashboardAssetNames';

/** A static file the console loads, with its strong ETag. */
export interface ConsoleAsset {
  contentType: string;
  body: string;
  etag: string;
}

/** Files `tools/buildConsole.ts` writes (esbuild bundles of `browser/`), by the name the page asks for. */
const files: Record<Exclude<(typeof dashboardAssetNames)[number], 'signed-in.html' | 'entra-config.json'>, string> = {
  'console.js': 'text/javascript; charset=utf-8',
  'console.css': 'text/css; charset=utf-8',
  'entra.js': 'text/javascript; charset=utf-8',
  'entra-bridge.js': 'text/javascript; charset=utf-8',
};

/** Folder of the built bundles: next to this module in dist/, or the repo's dist/ when the app runs from source (tests). */
export function consoleAssetDir(): string | null {
  const candidates = [join(__dirname, 'assets'), resolve(__dirname, '..', '..', '..', 'dist', 'shared', 'monitoring', 'console', 'assets')];
  return candidates.find((dir) => existsSync(join(dir, 'console.js'))) ?? null;
}

let cache: Map<string, ConsoleAsset> | null = null;

/** The asset, read once per process (the bundle never changes while the app runs); undefined for other names. */
export function consoleAsset(name: string): ConsoleAsset | undefined {
  if (!Object.hasOwn(files, name)) return undefined;
  if (!cache) {
    const dir = consoleAssetDir();
    if (!dir) throw new Error('console bundle missing: run `npm run build` (tools/buildConsole.ts writes dist/shared/monitoring/console/assets)');
    cache = new Map(
      Object.entries(files).map(([file, contentType]) => {
        const body = readFileSync(join(dir, file), 'utf8');
        return [file, { contentType, body, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"` }];
      }),
    );
  }
  return cache.get(name);
}

import { readFileSync } from 'node:fs';
import { join } from 'node:path';

let cached: string | undefined;

/** The app's version from package.json, read once. Works from source (tsx) and from dist/. */
export function appVersion(): string {
  if (cached) return cached;
  for (const up of ['..', '../..', '../../..']) {
    try {
      const pkg = JSON.parse(readFileSync(join(__dirname, up, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'redis-cluster-manager' && pkg.version) return (cached = pkg.version);
    } catch {
      // not this level; try the next one up
    }
  }
  return (cached = 'unknown');
}

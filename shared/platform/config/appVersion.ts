import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

let cached: string | undefined;

/** The app's version from package.json, read once. Works from source (tsx) and from dist/. */
export function appVersion(): string {
  if (cached) return cached;
  // Walk up from this file (shared/platform/config, or dist/shared/platform/config) to the app's package.json.
  for (let dir = dirname(__dirname); dir !== dirname(dir); dir = dirname(dir)) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'redis-cluster-manager' && pkg.version) return (cached = pkg.version);
    } catch {
      // not this level; try the next one up
    }
  }
  return (cached = 'unknown');
}

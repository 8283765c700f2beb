import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The package's name and version (package.json two folders up from dist/cli or one from cli/). */
export function packageInfo(): { name: string; version: string } {
  for (const file of [join(__dirname, '..', '..', 'package.json'), join(__dirname, '..', 'package.json')]) {
    try {
      const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'redis-cluster-manager') return { name: pkg.name, version: pkg.version ?? '0.0.0' };
    } catch {
      continue;
    }
  }
  return { name: 'redis-cluster-manager', version: 'unknown' };
}

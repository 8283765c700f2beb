import { readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

function segmentToRegExp(segment: string): RegExp {
  const escaped = segment.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]');
  return new RegExp(`^${escaped}$`);
}

function listDir(dir: string): string[] {
  try {
    return readdirSync(dir).sort();
  } catch {
    return [];
  }
}

function isDir(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function walk(dir: string, segments: string[], out: string[]): void {
  const [head, ...rest] = segments;
  if (head === undefined) {
    if (!isDir(dir)) out.push(dir);
    return;
  }
  if (head === '**') {
    walk(dir, rest, out);
    for (const entry of listDir(dir)) {
      if (entry !== 'node_modules' && isDir(join(dir, entry))) walk(join(dir, entry), segments, out);
    }
    return;
  }
  if (!/[*?]/.test(head)) {
    walk(join(dir, head), rest, out);
    return;
  }
  const pattern = segmentToRegExp(head);
  for (const entry of listDir(dir)) {
    if (pattern.test(entry)) walk(join(dir, entry), rest, out);
  }
}

/**
 * Expands a file pattern (`*`, `?`, `**`) relative to `baseDir` into absolute file paths, sorted.
 * This is the glob subset the Functions host accepts in package.json `main`.
 */
export function expandGlob(baseDir: string, pattern: string): string[] {
  const out: string[] = [];
  const normalized = pattern.replace(/\\/g, '/').replace(/^\.\//, '');
  const absolute = normalized.startsWith('/');
  walk(absolute ? '/' : resolve(baseDir), normalized.split('/').filter(Boolean), out);
  return [...new Set(out)].sort();
}

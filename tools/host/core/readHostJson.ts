import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface HostJson {
  routePrefix: string;
}

/** The host.json settings the local host honours. A missing or unreadable host.json is an error, as in `func start`. */
export function readHostJson(appDir: string): HostJson {
  const path = join(appDir, 'host.json');
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new Error(`Cannot read ${path}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
  const http = (parsed as { extensions?: { http?: { routePrefix?: unknown } } }).extensions?.http;
  const prefix = typeof http?.routePrefix === 'string' ? http.routePrefix : 'api';
  return { routePrefix: prefix.replace(/^\/+|\/+$/g, '') };
}

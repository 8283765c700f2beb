import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { HostRequest } from '../core/hostTypes.js';

export interface HostKeys {
  functionKey: string;
  masterKey: string;
  /** The `eventgrid_extension` system key: the Event Grid webhook requires it (`?code=` or `x-functions-key`), as the real host does. */
  eventGridKey: string;
}

/** A key in the shape the real host generates (URL-safe, 56 chars). */
export function generateKey(): string {
  return randomBytes(42).toString('base64url');
}

export function sameKey(given: string | undefined | null, expected: string | undefined): boolean {
  if (!given || !expected) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The key a caller presented: `x-functions-key` header first, then `?code=`. */
export function presentedKey(req: Pick<HostRequest, 'headers' | 'url'>): string | undefined {
  return req.headers['x-functions-key'] ?? req.url.searchParams.get('code') ?? undefined;
}

/** `anonymous` lets anyone in; `function` takes the function key or the master key; `admin` only the master key. */
export function isAuthorized(authLevel: string, req: Pick<HostRequest, 'headers' | 'url'>, keys: HostKeys): boolean {
  const level = authLevel.toLowerCase();
  if (level === 'anonymous') return true;
  const key = presentedKey(req);
  if (sameKey(key, keys.masterKey)) return true;
  return level === 'function' && sameKey(key, keys.functionKey);
}

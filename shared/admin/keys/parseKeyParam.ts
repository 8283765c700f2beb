import { validationError } from '../../platform/store/DomainError';

/** Longest key (in bytes) the inspection endpoint accepts. */
export const MAX_KEY_BYTES = 1024;

/**
 * The key named by the `{key}` path segment (already URL-decoded by the host). Keys are binary-safe, so a key
 * that is not valid UTF-8 — or holds a `/` — is passed base64url-encoded with `keyEncoding=base64`.
 * @param keyEncoding @default 'utf8'
 */
export function parseKeyParam(raw: string | undefined, keyEncoding: string | undefined = 'utf8'): Buffer {
  const bad = (message: string): Error => validationError('invalid_key', `key ${message}`, [{ field: 'key', message }]);
  if (keyEncoding !== 'utf8' && keyEncoding !== 'base64') {
    throw validationError('invalid_key_encoding', "keyEncoding must be 'utf8' or 'base64'", [{ field: 'keyEncoding', message: "must be 'utf8' or 'base64'" }]);
  }
  if (raw === undefined || raw === '') throw bad('must not be empty');
  let key: Buffer;
  if (keyEncoding === 'base64') {
    if (!/^[A-Za-z0-9_\-+/]+={0,2}$/.test(raw)) throw bad('is not valid base64/base64url');
    key = Buffer.from(raw.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
    if (key.length === 0) throw bad('must not be empty');
  } else {
    if (/[\uD800-\uDFFF]/.test(raw.replace(/[\uD800-\uDBFF][\uDC00-\uDFFF]/g, ''))) throw bad('is not valid UTF-8 (use keyEncoding=base64)');
    key = Buffer.from(raw, 'utf8');
  }
  if (key.length > MAX_KEY_BYTES) throw bad(`must be at most ${MAX_KEY_BYTES} bytes (got ${key.length})`);
  return key;
}

/** A key for display: UTF-8 when it round-trips, else base64. */
export function describeKey(key: Buffer): { key: string; keyEncoding: 'utf8' | 'base64' } {
  const text = key.toString('utf8');
  return Buffer.from(text, 'utf8').equals(key) ? { key: text, keyEncoding: 'utf8' } : { key: key.toString('base64'), keyEncoding: 'base64' };
}

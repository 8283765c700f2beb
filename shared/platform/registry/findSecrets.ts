import type { FieldError } from '../store/DomainError';

/** Field names that would carry a secret; `secretRef` (a reference) and `keyPattern` are fine. */
const secretName = /^(pass(word)?|pwd|secret|(access|primary|secondary|api|auth|shared|account)?[-_]?keys?|token|access[-_]?token|credentials?|connection[-_]?string|sas)$/i;
/** `scheme://user:password@host` or `scheme://:password@host` (redis://, rediss://, https://...). */
const urlWithPassword = /^[a-z][a-z0-9+.-]*:\/\/[^/@\s]*:[^/@\s]+@/i;
/** StackExchange.Redis / Azure style `host:6380,password=...` or `AccountKey=...;` connection strings. */
const connectionStringSecret = /(^|[,;])\s*(password|pwd|accountkey|sharedaccesskey|sig)\s*=/i;
/** Long random-looking tokens: base64/base64url/hex of 32+ chars mixing letters and digits (Azure keys are 44). */
const tokenLike = /^[A-Za-z0-9+/_-]{32,}={0,2}$/;

function looksLikeToken(value: string): boolean {
  return tokenLike.test(value) && /[0-9]/.test(value) && /[A-Za-z]/.test(value) && !/^[a-z0-9-]+$/.test(value);
}

/** Fields meant to hold names (hosts, users, labels): a token-looking value there is almost surely a pasted key. */
const nameFields = /^(displayName|username|host|servername|labels\..+|endpoints\.\d+\.host|tls\.servername)$/;

/**
 * Scans a raw registration body (before schema validation, so a secret in an unknown field is still caught) and
 * returns one error per field that holds or is named like a secret. Messages name the field, never the value.
 */
export function findSecrets(value: unknown, path: string[] = []): FieldError[] {
  if (Array.isArray(value)) return value.flatMap((item, i) => findSecrets(item, [...path, String(i)]));
  if (value !== null && typeof value === 'object') {
    return Object.entries(value as Record<string, unknown>).flatMap(([key, child]) => {
      const childPath = [...path, key];
      if (secretName.test(key) && child !== undefined && child !== null && child !== '') {
        return [{ field: childPath.join('.'), message: 'looks like a secret; register a secretRef (env, keyVault or entra) instead of the secret itself' }];
      }
      return findSecrets(child, childPath);
    });
  }
  if (typeof value !== 'string') return [];
  const field = path.join('.') || '(body)';
  if (urlWithPassword.test(value.trim()) || connectionStringSecret.test(value)) {
    return [{ field, message: 'contains a password; register a secretRef (env, keyVault or entra) instead of the secret itself' }];
  }
  if (nameFields.test(field) && looksLikeToken(value)) {
    return [{ field, message: 'looks like a key or token, not a name; register a secretRef instead of the secret itself' }];
  }
  return [];
}

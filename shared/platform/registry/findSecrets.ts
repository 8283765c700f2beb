import { validationError, type FieldError } from '../store/DomainError';

/** Field names that would carry a secret; `secretRef` (a reference) and `keyPattern` are fine. */
const secretName = /^(pass(word)?|pwd|secret|(access|primary|secondary|api|auth|shared|account)?[-_]?keys?|token|access[-_]?token|credentials?|connection[-_]?string|sas)$/i;
/** `scheme://user:password@host` or `scheme://:password@host` (redis://, rediss://, https://...), anywhere in the value. */
const urlWithPassword = /[a-z][a-z0-9+.-]*:\/\/[^/@\s]*:[^/@\s]+@/i;
/** A Redis `AUTH <password>` command, a `Bearer <token>` header value, or a JWT (three base64url parts, `eyJ` header). */
// AUTH is matched upper-case only (as redis-cli examples and pasted commands write it): "team auth" is a fine label.
const commandOrTokenSecret = /(^|[^A-Za-z0-9])AUTH\s+\S+|(^|[^A-Za-z0-9])[Bb]earer\s+\S{8,}|eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*/;
/** Query parameters that carry credentials: SAS `sig`, `code` (function keys), `token`s, secrets, passwords. */
const secretQueryParam = /^(sig|signature|code|sas|auth|pass(word)?|pwd|credentials?|.*token|.*secret)$/i;
/** What may stand before `key` in a key parameter's name: `key`, `apiKey`, `x-api-key`, `subscription-key`, `AccountKey`. */
const credentialKeyPrefix = /^(x?api|x|access|account|sharedaccess|shared|subscription|ocpapimsubscription|private|secret|master|auth|client|app|functions?|host|signing|primary|secondary|sas|admin|service)?$/;

/**
 * A query parameter named like a credential. `key` counts only alone or after a credential word (`api_key`,
 * `subscription-key`, `AccountKey`), so `monkey`, `hotkey`, `cacheKey` or `partitionKey` are not refused.
 */
function secretQueryName(name: string): boolean {
  if (secretQueryParam.test(name)) return true;
  const stem = /^(.*)keys?$/.exec(name.toLowerCase().replace(/[._-]+/g, ''))?.[1];
  return stem !== undefined && credentialKeyPrefix.test(stem);
}

/** Parts of a name (split at `.`, `_`, `-`) that say it holds a secret: `db-password`, `redis.auth`, `api_token`. */
const secretNamePart = /^(pass(word|wd)?|pwd|pw|auth|secret|secrets|token|tokens|credentials?|apikey|sas|sig|privatekey)$/i;
/** StackExchange.Redis / Azure style `host:6380,password=...` or `AccountKey=...;` connection strings. */
const connectionStringSecret = /(^|[,;])\s*(password|pwd|accountkey|sharedaccesskey|sig)\s*=/i;
/** Long random-looking tokens: base64/base64url/hex of 32+ chars mixing letters and digits (Azure keys are 44). */
const tokenLike = /^[A-Za-z0-9+/_-]{32,}={0,2}$/;

function looksLikeToken(value: string): boolean {
  return tokenLike.test(value) && /[0-9]/.test(value) && /[A-Za-z]/.test(value) && !/^[a-z0-9-]+$/.test(value);
}

/** Fields meant to hold names (hosts, users, labels): a token-looking value there is almost surely a pasted key. */
const nameFields = /^(displayName|username|host|servername|labels\..+|endpoints\.\d+\.host|tls\.servername)$/;

/** A URL (any scheme) whose query names a credential parameter, e.g. a SAS URL's `sig=` or a function URL's `code=`. */
function urlWithSecretQuery(value: string): boolean {
  const query = /^[a-z][a-z0-9+.-]*:\/\/[^?#\s]*\?([^#\s]*)/i.exec(value.trim())?.[1];
  if (query === undefined) return false;
  return [...new URLSearchParams(query).keys()].some((name) => secretQueryName(name));
}

/** A user-chosen name (a label) that says its value is a secret. */
function secretLikeName(name: string): boolean {
  return secretName.test(name) || name.split(/[._-]+/).some((part) => secretNamePart.test(part)) || /pass(word|wd)|secret|token/i.test(name);
}

export interface FindSecretsOptions {
  /** Dotted paths of structural fields whose names look like secrets but are not (a warm mapping's `key` template). */
  allowedFields?: RegExp;
}

/**
 * Scans a raw registration body (before schema validation, so a secret in an unknown field is still caught) and
 * returns one error per field that holds or is named like a secret. Messages name the field, never the value.
 */
export function findSecrets(value: unknown, path: string[] = [], options: FindSecretsOptions = {}): FieldError[] {
  if (Array.isArray(value)) return value.flatMap((item, i) => findSecrets(item, [...path, String(i)], options));
  if (value !== null && typeof value === 'object') {
    return Object.entries(value as Record<string, unknown>).flatMap(([key, child]) => {
      const childPath = [...path, key];
      const dotted = childPath.join('.');
      const named = path.at(-1) === 'labels' ? secretLikeName(key) : secretName.test(key) && !options.allowedFields?.test(dotted);
      if (named && child !== undefined && child !== null && child !== '') {
        return [{ field: dotted, message: 'looks like a secret; register a secretRef (env, keyVault or entra) instead of the secret itself' }];
      }
      return findSecrets(child, childPath, options);
    });
  }
  if (typeof value !== 'string') return [];
  const field = path.join('.') || '(body)';
  if (urlWithPassword.test(value) || connectionStringSecret.test(value) || commandOrTokenSecret.test(value)) {
    return [{ field, message: 'contains a password or token; register a secretRef (env, keyVault or entra) instead of the secret itself' }];
  }
  if (urlWithSecretQuery(value)) {
    return [{ field, message: 'a URL with a credential in its query (sig, code, token, key...); give a URL without it (allow-list the host, use managed identity)' }];
  }
  if (nameFields.test(field) && looksLikeToken(value)) {
    return [{ field, message: 'looks like a key or token, not a name; register a secretRef instead of the secret itself' }];
  }
  return [];
}

/**
 * The `inspect` hook of `readJsonBody` for every resource body: 400 `secret_not_allowed` naming each field that holds
 * or is named like a secret (before schema validation, so an unknown `password` field gets the precise message).
 */
export function rejectSecrets(options: FindSecretsOptions = {}): (raw: unknown) => void {
  return (raw) => {
    const errors = findSecrets(raw, [], options).map((e) => ({ ...e, field: `body.${e.field}` }));
    if (errors.length > 0) throw validationError('secret_not_allowed', 'raw secrets are not accepted; register a secretRef (env, keyVault or entra)', errors);
  };
}

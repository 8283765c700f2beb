import { createHash } from 'node:crypto';
import type { AppSettings } from '../config/appSettings';
import { roleSchema, type Role } from './Principal';

export interface ApiKeyEntry {
  name: string;
  role: Role;
  /** SHA-256 of the key: equal-length digests make the constant-time comparison valid for any key length. */
  digest: Buffer;
}

export interface AuthConfig {
  apiKeys: ApiKeyEntry[];
  /** Digest of the APIM shared secret; undefined = forwarded Entra headers are never trusted. */
  apimSecretDigest?: Buffer;
}

export const digest = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();

/**
 * Parses `API_KEYS` (`name:role:key` entries separated by `;` or new lines). A bad entry fails startup with its
 * position and name only, never the key.
 */
export function authConfig(settings: Pick<AppSettings, 'API_KEYS' | 'APIM_SHARED_SECRET'>): AuthConfig {
  const entries = (settings.API_KEYS ?? '').split(/[;\n]/).map((e) => e.trim()).filter((e) => e.length > 0);
  const apiKeys = entries.map((entry, i): ApiKeyEntry => {
    const [name = '', role = '', ...rest] = entry.split(':');
    const key = rest.join(':');
    const parsedRole = roleSchema.safeParse(role);
    if (!/^[A-Za-z0-9._@-]{1,64}$/.test(name) || !parsedRole.success || key.length < 24) {
      throw new Error(`setting 'API_KEYS' entry ${i + 1} ('${/^[A-Za-z0-9._@-]{1,64}$/.test(name) ? name : '?'}') must be name:reader|operator|admin:<key of 24+ characters>`);
    }
    return { name, role: parsedRole.data, digest: digest(key) };
  });
  const config: AuthConfig = { apiKeys };
  if (settings.APIM_SHARED_SECRET) config.apimSecretDigest = digest(settings.APIM_SHARED_SECRET);
  return config;
}

import { createHash } from 'node:crypto';
import type { AppSettings } from '../config/appSettings';
import { roleSchema, type Role } from './Principal';
import { localEntraCheck, type LocalEntraCheck } from './verifyLocalEntraToken';

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
  /** Local only: bearer tokens of the local Entra stand-in are checked by the app itself (as APIM does in Azure). */
  localEntra?: LocalEntraCheck;
}

/** Set by App Service / Functions on every Azure instance (a platform variable, not an app setting). */
const azureMarker = 'WEBSITE_SITE_NAME';

export const digest = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();

/**
 * Parses `API_KEYS` (`name:role:key` entries separated by `;` or new lines). A bad entry fails startup with its
 * position and name only, never the key.
 */
export function authConfig(settings: Pick<AppSettings, 'API_KEYS' | 'APIM_SHARED_SECRET' | 'LOCAL_ENTRA_STANDIN_PUBLIC_KEY' | 'CONSOLE_ENTRA_AUTHORITY' | 'CONSOLE_ENTRA_CLIENT_ID'>, platform: NodeJS.ProcessEnv = process.env): AuthConfig {
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
  if (settings.LOCAL_ENTRA_STANDIN_PUBLIC_KEY) {
    if (platform[azureMarker]) throw new Error("setting 'LOCAL_ENTRA_STANDIN_PUBLIC_KEY' is for the local Entra stand-in only and is refused in Azure: there API Management validates Entra tokens");
    if (!settings.CONSOLE_ENTRA_AUTHORITY || !settings.CONSOLE_ENTRA_CLIENT_ID) throw new Error("setting 'LOCAL_ENTRA_STANDIN_PUBLIC_KEY' needs 'CONSOLE_ENTRA_AUTHORITY' (the stand-in) and 'CONSOLE_ENTRA_CLIENT_ID' (the audience)");
    try {
      config.localEntra = localEntraCheck(settings.LOCAL_ENTRA_STANDIN_PUBLIC_KEY, settings.CONSOLE_ENTRA_AUTHORITY, settings.CONSOLE_ENTRA_CLIENT_ID);
    } catch {
      throw new Error("setting 'LOCAL_ENTRA_STANDIN_PUBLIC_KEY' must be a PEM public key");
    }
  }
  return config;
}

import type { TokenCredential } from '@azure/core-auth';

const cache = new Map<string, { value: string; until: number }>();

/** Parts of a Key Vault secret URI `https://<vault>.vault.azure.net/secrets/<name>[/<version>]`. */
export function parseSecretUri(secretUri: string): { vaultUrl: string; name: string; version?: string } {
  const url = new URL(secretUri);
  const [, kind, name, version] = url.pathname.split('/');
  if (url.protocol !== 'https:' || kind !== 'secrets' || !name) throw new Error('not a Key Vault secret URI');
  return version ? { vaultUrl: url.origin, name, version } : { vaultUrl: url.origin, name };
}

/**
 * Reads a Key Vault secret with the app's managed identity. Cached for `cacheMs` so a cold pool entry does
 * not cost a vault round trip each time; the SDK module is loaded only when a registration uses Key Vault.
 * @param cacheMs @default 300000
 */
export async function readKeyVaultSecret(secretUri: string, credential: TokenCredential, cacheMs = 300_000): Promise<string> {
  const hit = cache.get(secretUri);
  if (hit && hit.until > Date.now()) return hit.value;
  const { vaultUrl, name, version } = parseSecretUri(secretUri);
  const { SecretClient } = await import('@azure/keyvault-secrets');
  const secret = await new SecretClient(vaultUrl, credential).getSecret(name, version ? { version } : {});
  if (secret.value === undefined) throw new Error(`Key Vault secret '${name}' has no value`);
  cache.set(secretUri, { value: secret.value, until: Date.now() + cacheMs });
  return secret.value;
}

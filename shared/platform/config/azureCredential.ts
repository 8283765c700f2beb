import type { TokenCredential } from '@azure/core-auth';
import { DefaultAzureCredential, ManagedIdentityCredential } from '@azure/identity';

const cache = new Map<string, TokenCredential>();

/**
 * The credential for every Azure call: the user-assigned managed identity when its client id is known
 * (in Azure), otherwise the developer's `DefaultAzureCredential` chain. One instance per client id so token
 * caches are shared across invocations.
 */
export function azureCredential(clientId?: string): TokenCredential {
  const key = clientId ?? '';
  let credential = cache.get(key);
  if (!credential) {
    credential = clientId ? new ManagedIdentityCredential({ clientId }) : new DefaultAzureCredential();
    cache.set(key, credential);
  }
  return credential;
}

import type { TokenCredential } from '@azure/core-auth';
import { EntraTokenAuth, type EntraTokenAuthOptions } from './EntraTokenAuth';
import { RedisAccessError } from './redisErrors';
import { cacheSecretSettingRefusal } from './cacheSecretSetting';
import { readKeyVaultSecret } from './readKeyVaultSecret';
import type { RedisTarget } from './RedisTarget';

/** Credentials for one cluster: static (username/password) or an Entra token source that refreshes itself. */
export type RedisAuth =
  | { kind: 'static'; username?: string; password?: string }
  | { kind: 'entra'; tokenAuth: EntraTokenAuth };

export interface ResolveAuthDeps {
  /** The Azure credential for Key Vault and Entra (the registration's `clientId` when set). */
  credentialFor: (clientId: string | undefined) => TokenCredential;
  env?: NodeJS.ProcessEnv;
  entra?: Omit<EntraTokenAuthOptions, 'username'>;
}

/**
 * Resolves the registration's secret *reference* into credentials at connect time. A reference that cannot
 * be resolved is a `redis_secret_unresolved` error naming the reference, never showing a value.
 */
export async function resolveRedisAuth(target: RedisTarget, deps: ResolveAuthDeps): Promise<RedisAuth> {
  const ref = target.secretRef;
  const username = target.username;
  const fail = (why: string): RedisAccessError =>
    new RedisAccessError('redis_secret_unresolved', `cluster '${target.id}': ${why}`, { clusterId: target.id });
  switch (ref.kind) {
    case 'none':
      return username === undefined ? { kind: 'static' } : { kind: 'static', username };
    case 'env': {
      // Checked again here, not only when registered: a stored registration must not outlive a tightened rule.
      const refusal = cacheSecretSettingRefusal(ref.name, deps.env ?? process.env);
      if (refusal) throw fail(`the secret reference is refused: ${refusal}`);
      const password = (deps.env ?? process.env)[ref.name];
      if (password === undefined || password === '') throw fail(`app setting '${ref.name}' named by the secret reference is not set`);
      return { kind: 'static', password, ...(username === undefined ? {} : { username }) };
    }
    case 'keyVault': {
      try {
        const password = await readKeyVaultSecret(ref.secretUri, deps.credentialFor(undefined));
        return { kind: 'static', password, ...(username === undefined ? {} : { username }) };
      } catch (error) {
        throw fail(`Key Vault secret ${ref.secretUri} could not be read (${error instanceof Error ? error.name : 'error'})`);
      }
    }
    case 'entra': {
      const tokenAuth = new EntraTokenAuth(deps.credentialFor(ref.clientId), { ...deps.entra, ...(username === undefined ? {} : { username }) });
      try {
        await tokenAuth.start();
      } catch (error) {
        throw fail(`no Microsoft Entra ID token for Redis (${error instanceof Error ? error.name : 'error'})`);
      }
      return { kind: 'entra', tokenAuth };
    }
  }
}

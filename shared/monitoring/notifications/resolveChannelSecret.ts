import type { TokenCredential } from '@azure/core-auth';
import type { z } from 'zod';
import type { channelSecretRefSchema } from '../../platform/events/schemas/notificationEvents';
import { isAppOwnSetting } from '../../platform/redis/cacheSecretSetting';
import { readKeyVaultSecret } from '../../platform/redis/readKeyVaultSecret';

export type ChannelSecretRef = z.infer<typeof channelSecretRefSchema>;

/** A channel secret that could not be read; the message names the reference, never a value. */
export class ChannelSecretUnresolved extends Error {
  readonly code = 'channel_secret_unresolved';
  constructor(message: string) {
    super(message);
    this.name = 'ChannelSecretUnresolved';
  }
}

/** Human name of a reference for messages: `app setting 'X'` or `Key Vault secret <uri>`. */
export function describeRef(ref: ChannelSecretRef): string {
  return ref.kind === 'env' ? `app setting '${ref.name}'` : `Key Vault secret ${ref.secretUri}`;
}

/** Resolves a channel's secret reference (URL or signing key) when a message is sent; the value never leaves the process. */
export async function resolveChannelSecret(ref: ChannelSecretRef, deps: { env?: NodeJS.ProcessEnv; credential: () => TokenCredential }): Promise<string> {
  if (ref.kind === 'env') {
    // The app's own secrets (storage, topic, APIM, API keys...) never leave as a channel URL or signing key.
    if (isAppOwnSetting(ref.name)) throw new ChannelSecretUnresolved(`${describeRef(ref)} is one of the app's own settings; a channel may not reference it`);
    const value = (deps.env ?? process.env)[ref.name];
    if (value === undefined || value === '') throw new ChannelSecretUnresolved(`${describeRef(ref)} named by the channel is not set`);
    return value;
  }
  try {
    return await readKeyVaultSecret(ref.secretUri, deps.credential());
  } catch (error) {
    throw new ChannelSecretUnresolved(`${describeRef(ref)} could not be read (${error instanceof Error ? error.name : 'error'})`);
  }
}

import type { TokenCredential } from '@azure/core-auth';
import type { RedisManagementClientOptionalParams } from '@azure/arm-rediscache';

/** The core-client pipeline options both ARM clients accept. */
type CommonClientOptions = Omit<RedisManagementClientOptionalParams, 'endpoint' | 'baseUri' | 'apiVersion' | '$host'>;
import { DomainError } from '../../platform/store/DomainError';
import { fromManagedRedisPolicy, isEvictionPolicy, toManagedRedisPolicy, type EvictionPolicy } from './evictionPolicies';
import type { AzureCacheResource } from './parseAzureResourceId';
import type { NodeChange } from './applyViaConfigSet';

export interface ArmOptions {
  credential: TokenCredential;
  /** Azure Resource Manager endpoint. @default 'https://management.azure.com' */
  endpoint?: string;
  /** LRO polling interval (ms). @default the SDK's (Retry-After of the service) */
  pollIntervalMs?: number;
  /** Extra pipeline options of the ARM clients (a proxy, `tlsOptions` for a private CA...). @default none */
  clientOptions?: CommonClientOptions;
}

export interface ArmOutcome {
  previous: EvictionPolicy | null;
  nodes: NodeChange[];
}

/** Azure's default when `maxmemory-policy` was never set on an Azure Cache for Redis. */
const azureCacheDefault: EvictionPolicy = 'volatile-lru';

/**
 * Azure Cache for Redis (`Microsoft.Cache/redis`): CONFIG is disabled there, the policy is the ARM property
 * `redisConfiguration['maxmemory-policy']` (and `maxmemory-reserved`). Reads it, PATCHes it with
 * `@azure/arm-rediscache`, waits for the update, and reads it back.
 */
export async function applyToAzureCache(resource: AzureCacheResource, policy: EvictionPolicy, reservedMb: number | undefined, options: ArmOptions): Promise<ArmOutcome> {
  const { RedisManagementClient } = await import('@azure/arm-rediscache');
  const client = new RedisManagementClient(options.credential, resource.subscriptionId, clientOptions(options));
  const read = async (): Promise<string | null> => (await client.redis.get(resource.resourceGroup, resource.name)).redisConfiguration?.maxmemoryPolicy ?? null;
  const before = await armCall(read);
  await armCall(() =>
    client.redis.beginUpdateAndWait(
      resource.resourceGroup,
      resource.name,
      { redisConfiguration: { maxmemoryPolicy: policy, ...(reservedMb !== undefined ? { maxmemoryReserved: String(reservedMb) } : {}) } },
      { ...(options.pollIntervalMs !== undefined ? { updateIntervalInMs: options.pollIntervalMs } : {}) },
    ),
  );
  const after = await armCall(read);
  const previous = before === null ? azureCacheDefault : isEvictionPolicy(before) ? before : null;
  return { previous, nodes: [{ node: armId(resource), role: 'arm-resource', before: before ?? `${azureCacheDefault} (default)`, after, verified: after === policy }] };
}

/**
 * Azure Managed Redis (`Microsoft.Cache/redisEnterprise`, database `default`): the database's `evictionPolicy`
 * (PascalCase, e.g. `AllKeysLRU`), updated with `@azure/arm-redisenterprisecache` (a long-running operation the SDK
 * polls through `Azure-AsyncOperation`) and read back.
 */
export async function applyToManagedRedis(resource: AzureCacheResource, policy: EvictionPolicy, options: ArmOptions, database = 'default'): Promise<ArmOutcome> {
  const { RedisEnterpriseManagementClient } = await import('@azure/arm-redisenterprisecache');
  const client = new RedisEnterpriseManagementClient(options.credential, resource.subscriptionId, clientOptions(options));
  const read = async (): Promise<string | null> => (await client.databases.get(resource.resourceGroup, resource.name, database)).evictionPolicy ?? null;
  const before = await armCall(read);
  await armCall(() =>
    client.databases.beginUpdateAndWait(resource.resourceGroup, resource.name, database, { evictionPolicy: toManagedRedisPolicy(policy) }, {
      ...(options.pollIntervalMs !== undefined ? { updateIntervalInMs: options.pollIntervalMs } : {}),
    }),
  );
  const after = await armCall(read);
  return {
    previous: fromManagedRedisPolicy(before ?? undefined),
    nodes: [{ node: `${armId(resource)}/databases/${database}`, role: 'arm-resource', before, after, verified: fromManagedRedisPolicy(after ?? undefined) === policy }],
  };
}

function clientOptions(options: ArmOptions): CommonClientOptions & { endpoint?: string } {
  return { ...options.clientOptions, ...(options.endpoint ? { endpoint: options.endpoint } : {}) };
}

function armId(r: AzureCacheResource): string {
  return `/subscriptions/${r.subscriptionId}/resourceGroups/${r.resourceGroup}/providers/Microsoft.Cache/${r.type}/${r.name}`;
}

/** ARM failures as domain errors: the caller's (403/404/409 from ARM) vs unavailable; never the raw SDK error. */
async function armCall<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    const status = (error as { statusCode?: number }).statusCode;
    const code = (error as { code?: string }).code ?? 'unknown';
    const message = `Azure Resource Manager answered ${status ?? 'no status'} (${String(code).slice(0, 64)})`;
    if (status === 403 || status === 401) throw new DomainError('forbidden', 'arm_forbidden', `${message}: the function app's identity needs the "Redis Cache Contributor" role on the cache`);
    if (status === 404) throw new DomainError('not_found', 'arm_resource_not_found', `${message}: check the cluster's azureResourceId`);
    if (status === 409 || status === 400) throw new DomainError('unprocessable', 'arm_rejected', `${message}: the cache refused the update (busy scaling/patching, or an invalid value)`);
    throw new DomainError('unavailable', 'arm_unavailable', message);
  }
}

import { validationError } from '../../platform/store/DomainError';

/** The parts of an Azure cache's ARM id. */
export interface AzureCacheResource {
  subscriptionId: string;
  resourceGroup: string;
  /** `redis` (Azure Cache for Redis) or `redisEnterprise` (Azure Managed Redis). */
  type: 'redis' | 'redisEnterprise';
  name: string;
}

const pattern = /^\/subscriptions\/([0-9a-fA-F-]{36})\/resourceGroups\/([^/]{1,90})\/providers\/Microsoft\.Cache\/(redis|redisEnterprise)\/([^/]{1,63})$/i;

/** Splits `/subscriptions/<sub>/resourceGroups/<rg>/providers/Microsoft.Cache/<type>/<name>`. */
export function parseAzureResourceId(id: string): AzureCacheResource {
  const match = pattern.exec(id);
  if (!match) throw validationError('invalid_azure_resource_id', `azureResourceId '${id}' is not the ARM id of an Azure cache`);
  const [, subscriptionId = '', resourceGroup = '', type = '', name = ''] = match;
  return { subscriptionId, resourceGroup, type: type.toLowerCase() === 'redis' ? 'redis' : 'redisEnterprise', name };
}

// ARM rights of the app identity on the cache (deployed where the cache lives): reading its configuration and
// applying an eviction policy through ARM. Data access is the cache's own access policy (redis.bicep).

@allowed(['create', 'existingEnterprise', 'existingCache'])
@description('Kind of cache: Azure Managed Redis (created or existing) or Azure Cache for Redis.')
param kind string

@description('Name of the cache in this resource group.')
param redisName string

@description('Principal id of the Function App identity.')
param apiPrincipalId string

// Built-in "Redis Cache Contributor".
var redisCacheContributor = 'e0f68234-74aa-48ed-b826-c38b57376e17'

resource managedRedis 'Microsoft.Cache/redisEnterprise@2025-04-01' existing = {
  name: redisName
}

resource azureCache 'Microsoft.Cache/redis@2024-11-01' existing = {
  name: redisName
}

resource managedRedisContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (kind != 'existingCache') {
  name: guid(managedRedis.id, apiPrincipalId, redisCacheContributor)
  scope: managedRedis
  properties: {
    principalId: apiPrincipalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', redisCacheContributor)
  }
}

resource azureCacheContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (kind == 'existingCache') {
  name: guid(azureCache.id, apiPrincipalId, redisCacheContributor)
  scope: azureCache
  properties: {
    principalId: apiPrincipalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', redisCacheContributor)
  }
}

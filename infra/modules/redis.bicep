// The cache the manager watches by default: an Azure Managed Redis created here, or an existing cache looked up.
// Either way the app identity gets Entra data access; access keys stay off on what we create.

@allowed(['create', 'existingEnterprise', 'existingCache'])
@description('create: a new Azure Managed Redis; existingEnterprise: an existing Microsoft.Cache/redisEnterprise; existingCache: an existing Microsoft.Cache/Redis (Azure Cache for Redis).')
param kind string

@description('Name of the cache (created or existing) in this resource group.')
param name string

@description('Region of a created cache.')
param location string

@description('Tags of a created cache.')
param tags object

@description('Azure Managed Redis SKU of a created cache.')
param skuName string

@description('Eviction policy of a created cache database.')
param evictionPolicy string

@description('Clustering policy of a created cache database (OSSCluster or EnterpriseCluster).')
param clusteringPolicy string

@description('Whether a created cache is replicated (high availability).')
param highAvailability bool

@description('Object id of the Function App identity that gets data access.')
param principalId string

@description('Display name of that identity, used as the access policy alias (Azure Cache for Redis).')
param principalName string

var create = kind == 'create'
var enterprise = kind != 'existingCache'

resource cluster 'Microsoft.Cache/redisEnterprise@2025-04-01' = if (create) {
  name: name
  location: location
  tags: tags
  sku: {
    name: skuName
  }
  properties: {
    minimumTlsVersion: '1.2'
    highAvailability: highAvailability ? 'Enabled' : 'Disabled'
  }
}

// Azure Managed Redis has exactly one database, named 'default'.
resource database 'Microsoft.Cache/redisEnterprise/databases@2025-04-01' = if (create) {
  parent: cluster
  name: 'default'
  properties: {
    clientProtocol: 'Encrypted'
    port: 10000
    clusteringPolicy: clusteringPolicy
    evictionPolicy: evictionPolicy
    accessKeysAuthentication: 'Disabled'
    modules: []
  }
}

// The same cluster and database seen as existing: one symbol for the created and the pre-existing case.
resource enterpriseCluster 'Microsoft.Cache/redisEnterprise@2025-04-01' existing = {
  name: name
}

resource enterpriseDatabase 'Microsoft.Cache/redisEnterprise/databases@2025-04-01' existing = {
  parent: enterpriseCluster
  name: 'default'
}

resource azureCache 'Microsoft.Cache/redis@2024-11-01' existing = {
  name: name
}

// Azure Managed Redis: the 'default' access policy is full data access for the identity (Entra token as password).
resource enterpriseAccess 'Microsoft.Cache/redisEnterprise/databases/accessPolicyAssignments@2025-04-01' = if (enterprise) {
  parent: enterpriseDatabase
  name: guid(enterpriseDatabase.id, principalId, 'default')
  properties: {
    accessPolicyName: 'default'
    user: {
      objectId: principalId
    }
  }
  dependsOn: [database]
}

// Azure Cache for Redis: 'Data Owner' because the manager needs INFO, SLOWLOG, MEMORY and SCAN (in @dangerous for
// 'Data Contributor'). The cache must have Entra authentication enabled (redisConfiguration aad-enabled).
resource cacheAccess 'Microsoft.Cache/redis/accessPolicyAssignments@2024-11-01' = if (!enterprise) {
  parent: azureCache
  name: guid(azureCache.id, principalId, 'Data Owner')
  properties: {
    accessPolicyName: 'Data Owner'
    objectId: principalId
    objectIdAlias: principalName
  }
}

@description('Host name clients connect to.')
output hostName string = enterprise ? enterpriseCluster.properties.hostName : azureCache.properties.hostName

@description('TLS port: 10000 for Azure Managed Redis, the SSL port for Azure Cache for Redis.')
output port int = enterprise ? 10000 : azureCache.properties.sslPort

@description('Region of the cache (an Event Grid system topic must be in the same region as its source).')
output location string = enterprise ? (create ? location : enterpriseCluster.location) : azureCache.location

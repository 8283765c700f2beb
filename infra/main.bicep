// Redis Cluster Manager: everything `azd up` deploys. Subscription scope so azd can create the resource group.
// Modules per concern live in ./modules; names come from abbreviations.json + resourceToken.
targetScope = 'subscription'

@minLength(1)
@maxLength(64)
@description('Name of the azd environment; seeds the resource token and tags every resource (azd-env-name).')
param environmentName string

@minLength(1)
@description('Primary region for every resource. Pick one where Flex Consumption and Azure Managed Redis are offered.')
@metadata({ azd: { type: 'location' } })
param location string

@description('Object id of the person or pipeline running azd (AZURE_PRINCIPAL_ID). Gets Key Vault Secrets Officer so it can store cluster secrets; empty to skip.')
param principalId string = ''

@allowed(['User', 'ServicePrincipal'])
@description('Kind of principal in principalId: User for a developer, ServicePrincipal for a pipeline.')
param principalType string = 'User'

@description('Resource id of an existing cache to manage instead of creating one: a Microsoft.Cache/redisEnterprise (Azure Managed Redis) or Microsoft.Cache/Redis (Azure Cache for Redis). Empty creates an Azure Managed Redis.')
param existingRedisResourceId string = ''

@description('Azure Managed Redis SKU when a cache is created, e.g. Balanced_B0 (dev), Balanced_B5, MemoryOptimized_M10.')
param redisSkuName string = 'Balanced_B0'

@allowed(['AllKeysLFU', 'AllKeysLRU', 'AllKeysRandom', 'VolatileLRU', 'VolatileLFU', 'VolatileTTL', 'VolatileRandom', 'NoEviction'])
@description('Eviction policy of the created cache database; the manager can recommend and change it later.')
param redisEvictionPolicy string = 'VolatileLRU'

@allowed(['OSSCluster', 'EnterpriseCluster'])
@description('Clustering policy of the created cache database: OSSCluster exposes the Redis Cluster API (clients see slots and nodes), EnterpriseCluster a single endpoint.')
param redisClusteringPolicy string = 'OSSCluster'

@description('Replicate the created cache across two nodes (production). False halves the cost for a dev cache.')
param redisHighAvailability bool = true

@description('Create the Event Grid subscriptions of infra/eventgrid-subscriptions.json. Subscriptions with an AzureFunction destination can only be created once the functions exist, so azd sets this true only in the postdeploy re-provision (infra/hooks/postdeploy.ts).')
param deployEventSubscriptions bool = false

@allowed(['Consumption', 'Developer', 'BasicV2', 'StandardV2'])
@description('API Management tier: Consumption is pay-per-call and has no fixed cost; Developer or v2 tiers for a private or heavier API.')
param apimSku string = 'Consumption'

@description('Publisher e-mail API Management sends its notices to.')
param apimPublisherEmail string

@description('Publisher (organisation) name shown by API Management.')
param apimPublisherName string = 'Redis Cluster Manager'

@minValue(1)
@description('Calls one subscription key may make per rate-limit period before API Management answers 429.')
param apimRateLimitCalls int = 120

@minValue(1)
@description('Length of the API Management rate-limit window, in seconds.')
param apimRateLimitPeriodSeconds int = 60

@description('Application (client) id of an existing Entra app registration whose tokens the API accepts. Empty: the template registers one (needs permission to create app registrations).')
param entraApiClientId string = ''

@secure()
@description('Shared secret API Management sends to the Function App so the app trusts principal headers only from APIM. Generated once by azd and kept in the azd environment; stored in Key Vault.')
@metadata({ azd: { type: 'generate', config: { length: 48, noSpecial: true } } })
param apimSharedSecret string

@minValue(1)
@maxValue(1000)
@description('Most instances the Flex Consumption plan may scale the Function App to.')
param functionMaximumInstanceCount int = 40

@allowed([512, 2048, 4096])
@description('Memory of each Function App instance in MB (Flex Consumption sizes).')
param functionInstanceMemoryMB int = 2048

@minValue(0)
@maxValue(86400)
@description('WARM_TRIGGER_COOLDOWN_SECONDS: after a warm started by an Azure maintenance event finished, further such events for that namespace start no warm for this long (they are coalesced into it); 0 = only while it runs.')
param warmTriggerCooldownSeconds int = 300

@description('Email addresses the Azure Monitor action group notifies when a metric alert fires (memory, hit ratio, evictions, unreachable nodes).')
param alertEmailAddresses array = []

@secure()
@description('Webhook the action group calls (common alert schema); empty for none.')
param alertWebhookUrl string = ''

var abbrs = loadJsonContent('abbreviations.json')
var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
var tags = { 'azd-env-name': environmentName }
var functionAppName = '${abbrs.webSitesFunctions}api-${resourceToken}'
var deploymentContainerName = 'app-package-${take(functionAppName, 32)}-${take(resourceToken, 7)}'
var deadLetterContainerName = 'eventgrid-deadletter'
var redisName = '${abbrs.cacheRedisEnterprise}${resourceToken}'

// Where the cache lives. Known at the start of the deployment (module scopes must be), so parsed from the parameter.
var redisResourceId = empty(existingRedisResourceId)
  ? '/subscriptions/${subscription().subscriptionId}/resourceGroups/${rg.name}/providers/Microsoft.Cache/redisEnterprise/${redisName}'
  : existingRedisResourceId
var redisIdParts = split(redisResourceId, '/')
var redisKind = empty(existingRedisResourceId)
  ? 'create'
  : (toLower(redisIdParts[7]) == 'redisenterprise' ? 'existingEnterprise' : 'existingCache')

resource rg 'Microsoft.Resources/resourceGroups@2021-04-01' = {
  name: '${abbrs.resourcesResourceGroups}${environmentName}'
  location: location
  tags: tags
}

// The Function App's identity: storage, Event Grid publishing, Key Vault, App Insights, Redis (Entra).
module apiIdentity 'br/public:avm/res/managed-identity/user-assigned-identity:0.4.1' = {
  name: 'apiIdentity'
  scope: rg
  params: {
    name: '${abbrs.managedIdentityUserAssignedIdentities}api-${resourceToken}'
    location: location
    tags: tags
  }
}

// Event Grid's own identity, used only to write dead-lettered events to blob storage.
module eventGridIdentity 'br/public:avm/res/managed-identity/user-assigned-identity:0.4.1' = {
  name: 'eventGridIdentity'
  scope: rg
  params: {
    name: '${abbrs.managedIdentityUserAssignedIdentities}evg-${resourceToken}'
    location: location
    tags: tags
  }
}

module logAnalytics 'br/public:avm/res/operational-insights/workspace:0.11.1' = {
  name: 'logAnalytics'
  scope: rg
  params: {
    name: '${abbrs.operationalInsightsWorkspaces}${resourceToken}'
    location: location
    tags: tags
    dataRetention: 30
  }
}

// Local auth off: telemetry is accepted only with an Entra token (APPLICATIONINSIGHTS_AUTHENTICATION_STRING).
module appInsights 'br/public:avm/res/insights/component:0.6.0' = {
  name: 'appInsights'
  scope: rg
  params: {
    name: '${abbrs.insightsComponents}${resourceToken}'
    location: location
    tags: tags
    workspaceResourceId: logAnalytics.outputs.resourceId
    disableLocalAuth: true
  }
}

// Alerts people even when the app's own notify subscriber is down: metric alert rules on the exported metrics.
module alerts 'modules/alerts.bicep' = {
  name: 'alerts'
  scope: rg
  params: {
    location: location
    tags: tags
    actionGroupName: '${abbrs.insightsActionGroups}${resourceToken}'
    appInsightsId: appInsights.outputs.resourceId
    emailAddresses: alertEmailAddresses
    webhookUrl: alertWebhookUrl
  }
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  scope: rg
  params: {
    name: '${abbrs.storageStorageAccounts}${resourceToken}'
    location: location
    tags: tags
    containerNames: [deploymentContainerName, deadLetterContainerName, 'warm-sources', 'warm-snapshots']
  }
}

module eventGrid 'modules/eventGrid.bicep' = {
  name: 'eventGrid'
  scope: rg
  params: {
    topicName: '${abbrs.eventGridDomainsTopics}${resourceToken}'
    systemTopicName: '${abbrs.eventGridSystemTopics}redis-${resourceToken}'
    location: location
    tags: tags
    eventGridIdentityId: eventGridIdentity.outputs.resourceId
    // Event Grid publishes Microsoft.Cache.* events for Azure Cache for Redis (topic type Microsoft.Cache.Redis).
    redisEventSourceId: redisKind == 'existingCache' ? redisResourceId : ''
    redisLocation: redis.outputs.location
  }
}

// Creates an Azure Managed Redis, or looks up the existing cache; grants the app identity Entra data access.
module redis 'modules/redis.bicep' = {
  name: 'redis'
  scope: resourceGroup(redisIdParts[2], redisIdParts[4])
  params: {
    kind: redisKind
    name: redisIdParts[8]
    location: location
    tags: tags
    skuName: redisSkuName
    evictionPolicy: redisEvictionPolicy
    clusteringPolicy: redisClusteringPolicy
    highAvailability: redisHighAvailability
    principalId: apiIdentity.outputs.principalId
    principalName: apiIdentity.outputs.name
  }
}

module keyVault 'modules/keyVault.bicep' = {
  name: 'keyVault'
  scope: rg
  params: {
    name: '${abbrs.keyVaultVaults}${resourceToken}'
    location: location
    tags: tags
    apimSharedSecret: apimSharedSecret
  }
}

module plan 'br/public:avm/res/web/serverfarm:0.1.1' = {
  name: 'plan'
  scope: rg
  params: {
    name: '${abbrs.webServerFarms}${resourceToken}'
    location: location
    tags: tags
    sku: {
      name: 'FC1'
      tier: 'FlexConsumption'
    }
    reserved: true
  }
}

module functionApp 'modules/functionApp.bicep' = {
  name: 'functionApp'
  scope: rg
  params: {
    name: functionAppName
    location: location
    tags: tags
    planId: plan.outputs.resourceId
    identityId: apiIdentity.outputs.resourceId
    identityClientId: apiIdentity.outputs.clientId
    storageAccountName: storage.outputs.name
    blobEndpoint: storage.outputs.blobEndpoint
    deploymentContainerName: deploymentContainerName
    appInsightsConnectionString: appInsights.outputs.connectionString
    eventGridTopicEndpoint: eventGrid.outputs.topicEndpoint
    apimSharedSecretUri: keyVault.outputs.apimSharedSecretUri
    consoleEntraClientId: apiClientId
    consoleEntraTenantId: tenant().tenantId
    maximumInstanceCount: functionMaximumInstanceCount
    instanceMemoryMB: functionInstanceMemoryMB
    warmTriggerCooldownSeconds: warmTriggerCooldownSeconds
  }
}

module rbac 'modules/roleAssignments.bicep' = {
  name: 'roleAssignments'
  scope: rg
  params: {
    apiPrincipalId: apiIdentity.outputs.principalId
    eventGridPrincipalId: eventGridIdentity.outputs.principalId
    deployerPrincipalId: principalId
    deployerPrincipalType: principalType
    storageAccountName: storage.outputs.name
    deadLetterContainerName: deadLetterContainerName
    appInsightsName: appInsights.outputs.name
    eventGridTopicName: eventGrid.outputs.topicName
    keyVaultName: keyVault.outputs.name
  }
}

// ARM rights on the cache (eviction policy changes through ARM), where the cache lives.
module redisRbac 'modules/roleAssignmentsRedis.bicep' = {
  name: 'redisRoleAssignments'
  scope: resourceGroup(redisIdParts[2], redisIdParts[4])
  params: {
    kind: redisKind
    redisName: redisIdParts[8]
    apiPrincipalId: apiIdentity.outputs.principalId
  }
  dependsOn: [redis]
}

var apimName = '${abbrs.apiManagementService}${resourceToken}'
// Gateway path of the console API: the console opens at https://<gateway>/console/dashboard.
var consoleApiPath = 'console'

module entraApp 'modules/entraApp.bicep' = if (empty(entraApiClientId)) {
  name: 'entraApp'
  scope: rg
  params: {
    uniqueName: 'redis-cluster-manager-${resourceToken}'
    displayName: 'Redis Cluster Manager (${environmentName})'
    // The console's signed-in.html through the console API, on the gateway's default host name (public cloud): known
    // before APIM exists (apim.bicep needs this app's id). A custom domain or sovereign cloud: add yours.
    spaRedirectUris: ['https://${apimName}.azure-api.net/${consoleApiPath}/dashboard/assets/signed-in.html']
  }
}

var apiClientId = empty(entraApiClientId) ? entraApp!.outputs.appId : entraApiClientId

module apim 'modules/apim.bicep' = {
  name: 'apim'
  scope: rg
  params: {
    name: apimName
    location: location
    tags: tags
    skuName: apimSku
    publisherEmail: apimPublisherEmail
    publisherName: apimPublisherName
    functionAppName: functionApp.outputs.name
    functionAppHostName: functionApp.outputs.defaultHostName
    tenantId: tenant().tenantId
    loginEndpoint: environment().authentication.loginEndpoint
    apiClientId: apiClientId
    apimSharedSecret: apimSharedSecret
    rateLimitCalls: apimRateLimitCalls
    rateLimitPeriodSeconds: apimRateLimitPeriodSeconds
    consolePath: consoleApiPath
  }
  // listKeys on the function host needs the host's storage roles in place.
  dependsOn: [rbac]
}

module eventSubscriptions 'modules/eventSubscriptions.bicep' = if (deployEventSubscriptions) {
  name: 'eventSubscriptions'
  scope: rg
  params: {
    functionAppId: functionApp.outputs.id
    topicName: eventGrid.outputs.topicName
    systemTopicName: eventGrid.outputs.systemTopicName
    eventGridIdentityId: eventGridIdentity.outputs.resourceId
    storageAccountId: storage.outputs.id
    deadLetterContainerName: deadLetterContainerName
  }
  dependsOn: [rbac]
}

output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_RESOURCE_GROUP string = rg.name
output AZURE_ALERT_ACTION_GROUP_ID string = alerts.outputs.actionGroupId
output AZURE_CLIENT_ID string = apiIdentity.outputs.clientId
output AZURE_FUNCTION_APP_NAME string = functionApp.outputs.name
output SERVICE_API_NAME string = functionApp.outputs.name
output FUNCTION_APP_URL string = 'https://${functionApp.outputs.defaultHostName}/api'
output API_GATEWAY_URL string = apim.outputs.apiUrl
output CONSOLE_URL string = apim.outputs.consoleUrl
output AZURE_APIM_NAME string = apim.outputs.name
output AZURE_APIM_PRODUCT_ID string = apim.outputs.productId
output ENTRA_API_CLIENT_ID string = apiClientId
output ENTRA_API_SCOPE string = '${apiClientId}/.default'
output AZURE_STORAGE_ACCOUNT_NAME string = storage.outputs.name
output AZURE_KEY_VAULT_NAME string = keyVault.outputs.name
output AZURE_KEY_VAULT_ENDPOINT string = keyVault.outputs.uri
output EVENTGRID_TOPIC_ENDPOINT string = eventGrid.outputs.topicEndpoint
output REDIS_EVENTS_SYSTEM_TOPIC string = eventGrid.outputs.systemTopicName
output REDIS_RESOURCE_ID string = redisResourceId
output REDIS_HOST string = redis.outputs.hostName
output REDIS_PORT int = redis.outputs.port
output APPLICATIONINSIGHTS_CONNECTION_STRING string = appInsights.outputs.connectionString

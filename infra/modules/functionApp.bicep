// The Function App on the Flex Consumption plan (Node 22): code from a blob container, identity-based
// connections only, no keys in app settings. `azd deploy` finds it by the azd-service-name tag.

@description('Function App name.')
param name string

@description('Region of the app.')
param location string

@description('Tags of the app; azd-service-name is added.')
param tags object

@description('Resource id of the Flex Consumption (FC1) plan.')
param planId string

@description('Resource id of the user-assigned identity the app runs as.')
param identityId string

@description('Client id of that identity (AZURE_CLIENT_ID, AzureWebJobsStorage__clientId).')
param identityClientId string

@description('Storage account of the host and of the app\'s state (identity-based).')
param storageAccountName string

@description('Blob endpoint of that account, with a trailing slash.')
param blobEndpoint string

@description('Blob container Flex Consumption deploys the code package from.')
param deploymentContainerName string

@description('Application Insights connection string (not a secret: ingestion requires an Entra token here).')
param appInsightsConnectionString string

@description('Endpoint of the Event Grid custom topic the app publishes to.')
param eventGridTopicEndpoint string

@description('Versionless URI of the APIM shared secret in Key Vault.')
param apimSharedSecretUri string

@description('Application (client) id of the Entra app registration the console signs users in with (the API\'s).')
param consoleEntraClientId string

@description('Directory (tenant) id of that app registration.')
param consoleEntraTenantId string

@description('Most instances the app scales out to.')
param maximumInstanceCount int

@description('Memory per instance in MB.')
param instanceMemoryMB int

@description('Seconds after a maintenance-triggered warm of a namespace during which further maintenance events for it start no warm (0 = only while it runs).')
@minValue(0)
@maxValue(86400)
param warmTriggerCooldownSeconds int

@description('azd service name in azure.yaml.')
param serviceName string = 'api'

// Every setting the app reads in Azure (shared/platform/config/appSettings.ts; test/infra checks requiredInAzure against
// this block). Flex Consumption rejects FUNCTIONS_WORKER_RUNTIME / FUNCTIONS_EXTENSION_VERSION: the runtime is set
// in functionAppConfig instead.
var appSettings = {
  AzureWebJobsStorage__accountName: storageAccountName
  AzureWebJobsStorage__credential: 'managedidentity'
  AzureWebJobsStorage__clientId: identityClientId
  AZURE_CLIENT_ID: identityClientId
  EVENTGRID_TOPIC_ENDPOINT: eventGridTopicEndpoint
  APPLICATIONINSIGHTS_CONNECTION_STRING: appInsightsConnectionString
  APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identityClientId};Authorization=AAD'
  OTEL_SERVICE_NAME: 'redis-cluster-manager'
  OTEL_RESOURCE_ATTRIBUTES: 'service.namespace=redis-cluster-manager,deployment.environment=${tags['azd-env-name']}'
  APIM_SHARED_SECRET: '@Microsoft.KeyVault(SecretUri=${apimSharedSecretUri})'
  // The console's "Sign in with Microsoft" (not secrets: the app registration's ids).
  CONSOLE_ENTRA_CLIENT_ID: consoleEntraClientId
  CONSOLE_ENTRA_TENANT_ID: consoleEntraTenantId
  // Maintenance events are coalesced into a namespace's warm this long after it finished (docs/warming.md, Triggers).
  WARM_TRIGGER_COOLDOWN_SECONDS: string(warmTriggerCooldownSeconds)
}

resource functionApp 'Microsoft.Web/sites@2024-04-01' = {
  name: name
  location: location
  tags: union(tags, { 'azd-service-name': serviceName })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    serverFarmId: planId
    httpsOnly: true
    keyVaultReferenceIdentity: identityId
    siteConfig: {
      minTlsVersion: '1.2'
      http20Enabled: true
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${blobEndpoint}${deploymentContainerName}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: instanceMemoryMB
      }
      runtime: {
        name: 'node'
        version: '22'
      }
    }
  }
}

resource settings 'Microsoft.Web/sites/config@2024-04-01' = {
  parent: functionApp
  name: 'appsettings'
  properties: appSettings
}

// No publishing with user names and passwords: azd deploys with an Entra token.
resource scmBasicAuth 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01' = {
  parent: functionApp
  name: 'scm'
  properties: {
    allow: false
  }
}

resource ftpBasicAuth 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01' = {
  parent: functionApp
  name: 'ftp'
  properties: {
    allow: false
  }
}

@description('App name.')
output name string = functionApp.name

@description('App resource id.')
output id string = functionApp.id

@description('Default host name (<name>.azurewebsites.net).')
output defaultHostName string = functionApp.properties.defaultHostName

// Storage for the Functions host, control-plane state (tables), warm sources/snapshots and dead-lettered events.
// Shared-key access is off: every caller uses Entra (the app identity, Event Grid's identity, the deployer).

@description('Storage account name (3-24 lower-case letters and digits).')
param name string

@description('Region of the account.')
param location string

@description('Tags of the account.')
param tags object

@description('Blob containers to create: the Flex Consumption deployment package container, the dead-letter container and the app\'s own.')
param containerNames string[]

resource account 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: name
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: {
    name: 'Standard_LRS'
  }
  properties: {
    accessTier: 'Hot'
    allowSharedKeyAccess: false
    allowBlobPublicAccess: false
    defaultToOAuthAuthentication: true
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    publicNetworkAccess: 'Enabled'
    dnsEndpointType: 'Standard'
    networkAcls: {
      defaultAction: 'Allow'
      bypass: 'AzureServices'
    }
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: account
  name: 'default'
  properties: {
    deleteRetentionPolicy: {
      enabled: true
      days: 7
    }
  }
}

resource containers 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = [
  for containerName in containerNames: {
    parent: blobService
    name: containerName
    properties: {
      publicAccess: 'None'
    }
  }
]

// Tables are created by the app on first use (Storage Table Data Contributor allows it); the service is declared
// so its settings live here.
resource tableService 'Microsoft.Storage/storageAccounts/tableServices@2023-05-01' = {
  parent: account
  name: 'default'
}

@description('Account name.')
output name string = account.name

@description('Account resource id.')
output id string = account.id

@description('Blob endpoint, with a trailing slash.')
output blobEndpoint string = account.properties.primaryEndpoints.blob

@description('Table endpoint.')
output tableEndpoint string = account.properties.primaryEndpoints.table

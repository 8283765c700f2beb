// Secrets referenced by cluster registrations (the app stores a secret *name*, never the value) and the
// APIM-to-app shared secret. RBAC authorization only: no access policies.

@description('Key Vault name (3-24 characters).')
param name string

@description('Region of the vault.')
param location string

@description('Tags of the vault.')
param tags object

@secure()
@description('Shared secret APIM sends to the Function App; stored here so the app reads it by reference.')
param apimSharedSecret string

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: tenant().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 7
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      defaultAction: 'Allow'
      bypass: 'AzureServices'
    }
  }
}

resource apimSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'apim-shared-secret'
  properties: {
    value: apimSharedSecret
    contentType: 'text/plain'
  }
}

@description('Vault name.')
output name string = vault.name

@description('Vault URI (https://<name>.vault.azure.net/).')
output uri string = vault.properties.vaultUri

@description('Versionless URI of the shared secret, for a Key Vault reference in app settings.')
output apimSharedSecretUri string = apimSecret.properties.secretUri

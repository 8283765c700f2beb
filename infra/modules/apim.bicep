// API Management in front of the Function App: imports the app's OpenAPI document (infra/openapi.json, generated
// from the zod schemas), requires a subscription key, rate-limits per key, validates Entra JWTs and forwards the
// caller's principal and roles. The app is called with a function key read from the host (listKeys): no human step.

@description('API Management service name.')
param name string

@description('Region of the service.')
param location string

@description('Tags of the service.')
param tags object

@allowed(['Consumption', 'Developer', 'BasicV2', 'StandardV2'])
@description('API Management tier.')
param skuName string

@description('Publisher e-mail.')
param publisherEmail string

@description('Publisher name.')
param publisherName string

@description('Name of the Function App behind the API.')
param functionAppName string

@description('Default host name of the Function App.')
param functionAppHostName string

@description('Entra tenant whose tokens are accepted.')
param tenantId string

@description('Entra login endpoint of this cloud, with a trailing slash (environment().authentication.loginEndpoint).')
param loginEndpoint string

@description('Application (client) id of the API\'s app registration: the audience of accepted tokens.')
param apiClientId string

@secure()
@description('Shared secret sent to the Function App in x-rcm-apim-secret.')
param apimSharedSecret string

@description('Calls per subscription key per period.')
param rateLimitCalls int

@description('Rate-limit period in seconds.')
param rateLimitPeriodSeconds int

@description('URL path of the API on the gateway; the Function App routes live under /api too.')
param apiPath string = 'api'

resource functionApp 'Microsoft.Web/sites@2024-04-01' existing = {
  name: functionAppName
}

resource service 'Microsoft.ApiManagement/service@2022-08-01' = {
  name: name
  location: location
  tags: tags
  sku: {
    name: skuName
    capacity: skuName == 'Consumption' ? 0 : 1
  }
  properties: {
    publisherEmail: publisherEmail
    publisherName: publisherName
  }
}

resource functionKey 'Microsoft.ApiManagement/service/namedValues@2022-08-01' = {
  parent: service
  name: 'rcm-function-key'
  properties: {
    displayName: 'rcm-function-key'
    secret: true
    value: listKeys('${functionApp.id}/host/default', '2024-04-01').functionKeys.default
  }
}

resource sharedSecret 'Microsoft.ApiManagement/service/namedValues@2022-08-01' = {
  parent: service
  name: 'rcm-apim-secret'
  properties: {
    displayName: 'rcm-apim-secret'
    secret: true
    value: apimSharedSecret
  }
}

resource tenantValue 'Microsoft.ApiManagement/service/namedValues@2022-08-01' = {
  parent: service
  name: 'rcm-tenant-id'
  properties: {
    displayName: 'rcm-tenant-id'
    value: tenantId
  }
}

resource loginEndpointValue 'Microsoft.ApiManagement/service/namedValues@2022-08-01' = {
  parent: service
  name: 'rcm-login-endpoint'
  properties: {
    displayName: 'rcm-login-endpoint'
    value: loginEndpoint
  }
}

resource audienceValue 'Microsoft.ApiManagement/service/namedValues@2022-08-01' = {
  parent: service
  name: 'rcm-api-client-id'
  properties: {
    displayName: 'rcm-api-client-id'
    value: apiClientId
  }
}

resource backend 'Microsoft.ApiManagement/service/backends@2022-08-01' = {
  parent: service
  name: 'rcm-function-app'
  properties: {
    protocol: 'http'
    url: 'https://${functionAppHostName}/api'
    resourceId: '${environment().resourceManager}${substring(functionApp.id, 1)}'
    credentials: {
      header: {
        'x-functions-key': ['{{rcm-function-key}}']
      }
    }
  }
  dependsOn: [functionKey]
}

resource api 'Microsoft.ApiManagement/service/apis@2022-08-01' = {
  parent: service
  name: 'redis-cluster-manager'
  properties: {
    displayName: 'Redis Cluster Manager'
    path: apiPath
    protocols: ['https']
    subscriptionRequired: true
    subscriptionKeyParameterNames: {
      header: 'Ocp-Apim-Subscription-Key'
      query: 'subscription-key'
    }
    format: 'openapi+json'
    // loadJsonContent, not loadTextContent: Bicep caps loadTextContent at 131,072 characters and the document is
    // larger; loadJsonContent takes up to 1,048,576 (test/infra/openapi.test.ts keeps it under that).
    value: string(loadJsonContent('../openapi.json'))
    serviceUrl: 'https://${functionAppHostName}/api'
  }
}

resource apiPolicy 'Microsoft.ApiManagement/service/apis/policies@2022-08-01' = {
  parent: api
  name: 'policy'
  properties: {
    format: 'rawxml'
    value: replace(
      replace(loadTextContent('../policies/api-policy.xml'), '__RATE_LIMIT_CALLS__', string(rateLimitCalls)),
      '__RATE_LIMIT_PERIOD__',
      string(rateLimitPeriodSeconds)
    )
  }
  dependsOn: [backend, sharedSecret, tenantValue, loginEndpointValue, audienceValue]
}

// Subscription keys are issued on this product; approval off so an operator with APIM rights can create keys.
resource product 'Microsoft.ApiManagement/service/products@2022-08-01' = {
  parent: service
  name: 'redis-cluster-manager'
  properties: {
    displayName: 'Redis Cluster Manager'
    description: 'Admin API of the Redis Cluster Manager. Callers need a subscription key and an Entra token with a reader, operator or admin role.'
    subscriptionRequired: true
    approvalRequired: false
    state: 'published'
  }
}

resource productApi 'Microsoft.ApiManagement/service/products/apis@2022-08-01' = {
  parent: product
  name: api.name
}

// A first key so the API is usable right after `azd up`; docs/deploy.md shows how to read it (listSecrets).
resource operatorsSubscription 'Microsoft.ApiManagement/service/subscriptions@2022-08-01' = {
  parent: service
  name: 'rcm-operators'
  properties: {
    displayName: 'Redis Cluster Manager operators'
    scope: '/products/${product.name}'
    state: 'active'
  }
}

@description('Service name.')
output name string = service.name

@description('Base URL of the API on the gateway.')
output apiUrl string = '${service.properties.gatewayUrl}/${apiPath}'

@description('Product id subscription keys are issued on.')
output productId string = product.name

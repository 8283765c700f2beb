// API Management in front of the Function App, two APIs importing the app's OpenAPI document (infra/openapi.json,
// generated from the zod schemas), both validating Entra JWTs and forwarding the caller's principal and roles:
// - `api` (rcm, scripts): subscription key required, rate-limited per key;
// - `console` (the operator console in a browser): no subscription key; the page and its assets anonymous, every
//   data call with an Entra token, throttled per client IP / per user (infra/policies/console-api-policy.xml).
// The app is called with a function key read from the host (listKeys): no human step.

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

@description('URL path of the console API on the gateway: the console opens at <gateway>/<consolePath>/dashboard (the Entra SPA redirect URI in main.bicep uses the same path).')
param consolePath string = 'console'

@description('Console API: calls per client IP (page and assets) and per signed-in user (data calls) per period; rate-limit-by-key, so not applied on Consumption (the tier lacks it).')
param consoleRateLimitCalls int = 300

@description('Console API: requests in flight at once per client IP / per signed-in user (limit-concurrency, every tier).')
param consoleConcurrency int = 20

// Both APIs import the same document; one variable so the template carries it once.
// loadJsonContent, not loadTextContent: Bicep caps loadTextContent at 131,072 characters and the document is
// larger; loadJsonContent takes up to 1,048,576 (test/infra/openapi.test.ts keeps it under that).
var openApiDocument = string(loadJsonContent('../openapi.json'))

// validate-jwt and the forwarded identity, written once and spliced into both APIs' policies.
var entraIdentity = loadTextContent('../policies/entra-identity.xml')

// rate-limit-by-key is not available in the Consumption tier (learn.microsoft.com/azure/api-management/rate-limit-by-key-policy).
var hasRateLimitByKey = skuName != 'Consumption'
var consoleRateLimit = hasRateLimitByKey ? '<rate-limit-by-key calls="${consoleRateLimitCalls}" renewal-period="${rateLimitPeriodSeconds}" counter-key="@((string)context.Variables["rcm-throttle-key"])" />' : ''

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
    value: openApiDocument
    serviceUrl: 'https://${functionAppHostName}/api'
  }
}

resource apiPolicy 'Microsoft.ApiManagement/service/apis/policies@2022-08-01' = {
  parent: api
  name: 'policy'
  properties: {
    format: 'rawxml'
    value: replace(
      replace(
        replace(loadTextContent('../policies/api-policy.xml'), '__RATE_LIMIT_CALLS__', string(rateLimitCalls)),
        '__RATE_LIMIT_PERIOD__',
        string(rateLimitPeriodSeconds)
      ),
      '__ENTRA_IDENTITY__',
      entraIdentity
    )
  }
  dependsOn: [backend, sharedSecret, tenantValue, loginEndpointValue, audienceValue]
}

// The console through the gateway: a browser cannot send a subscription key with a navigation or a <script>, so
// this API requires none and is in no product; its policy lets only the page and its assets through without an
// Entra token. Same operations as the main API (the same document), same backend (function key added there).
resource consoleApi 'Microsoft.ApiManagement/service/apis@2022-08-01' = {
  parent: service
  name: 'redis-cluster-manager-console'
  properties: {
    displayName: 'Redis Cluster Manager console'
    description: 'The operator console for browsers: GET /dashboard and its assets without credentials, every other call with an Entra access token (Authorization: Bearer). No subscription key.'
    path: consolePath
    protocols: ['https']
    subscriptionRequired: false
    // Named explicitly so the document's apiKey schemes (x-api-key, x-functions-key) are never taken for one.
    subscriptionKeyParameterNames: {
      header: 'Ocp-Apim-Subscription-Key'
      query: 'subscription-key'
    }
    format: 'openapi+json'
    value: openApiDocument
    serviceUrl: 'https://${functionAppHostName}/api'
  }
}

resource consoleApiPolicy 'Microsoft.ApiManagement/service/apis/policies@2022-08-01' = {
  parent: consoleApi
  name: 'policy'
  properties: {
    format: 'rawxml'
    value: replace(
      replace(
        replace(loadTextContent('../policies/console-api-policy.xml'), '__ENTRA_IDENTITY__', entraIdentity),
        '__RATE_LIMIT_BY_KEY__',
        consoleRateLimit
      ),
      '__CONCURRENCY__',
      string(consoleConcurrency)
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

@description('The operator console on the gateway (Entra sign-in; no subscription key).')
output consoleUrl string = '${service.properties.gatewayUrl}/${consolePath}/dashboard'

@description('Product id subscription keys are issued on.')
output productId string = product.name

// The app's event bus: one custom topic, CloudEvents 1.0 in and out, Entra-only publishing (no keys).
// Plus, when the cache is an Azure Cache for Redis, the Event Grid system topic that carries its
// Microsoft.Cache.* events (PatchingCompleted, ScalingCompleted, ...). Subscriptions: eventSubscriptions.bicep.

@description('Name of the custom topic.')
param topicName string

@description('Name of the Redis system topic.')
param systemTopicName string

@description('Region of the custom topic.')
param location string

@description('Tags of both topics.')
param tags object

@description('Resource id of Event Grid\'s user-assigned identity (writes dead letters).')
param eventGridIdentityId string

@description('Resource id of the Azure Cache for Redis whose events are routed to the app; empty when the cache publishes none (Azure Managed Redis).')
param redisEventSourceId string

@description('Region of the cache; a system topic lives in its source\'s region.')
param redisLocation string

var identity = {
  type: 'UserAssigned'
  userAssignedIdentities: {
    '${eventGridIdentityId}': {}
  }
}

resource topic 'Microsoft.EventGrid/topics@2022-06-15' = {
  name: topicName
  location: location
  tags: tags
  identity: identity
  properties: {
    inputSchema: 'CloudEventSchemaV1_0'
    publicNetworkAccess: 'Enabled'
    disableLocalAuth: true
  }
}

resource systemTopic 'Microsoft.EventGrid/systemTopics@2022-06-15' = if (!empty(redisEventSourceId)) {
  name: systemTopicName
  location: redisLocation
  tags: tags
  identity: identity
  properties: {
    source: redisEventSourceId
    topicType: 'Microsoft.Cache.Redis'
  }
}

@description('Custom topic name.')
output topicName string = topic.name

@description('Custom topic endpoint the app publishes to (EVENTGRID_TOPIC_ENDPOINT).')
output topicEndpoint string = topic.properties.endpoint

@description('System topic name; empty when no system topic was created.')
output systemTopicName string = empty(redisEventSourceId) ? '' : systemTopic.name

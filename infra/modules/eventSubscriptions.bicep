// One Event Grid subscription per entry of infra/eventgrid-subscriptions.json, the declaration the local host
// delivers by too: nothing here to keep in sync by hand. AzureFunction destinations need the function to exist,
// so main.bicep deploys this module only in the postdeploy re-provision (infra/hooks/postdeploy.ts).

@description('Resource id of the Function App whose functions receive the events.')
param functionAppId string

@description('Name of the app\'s CloudEvents custom topic (source "topic").')
param topicName string

@description('Name of the Redis system topic (source "redis"); empty when the cache publishes no events.')
param systemTopicName string

@description('Resource id of Event Grid\'s identity, which writes dead letters.')
param eventGridIdentityId string

@description('Resource id of the storage account holding the dead-letter container.')
param storageAccountId string

@description('Blob container receiving events that exhausted their retries.')
param deadLetterContainerName string

var declared = loadJsonContent('../eventgrid-subscriptions.json').subscriptions
var topicSubscriptions = filter(declared, sub => sub.source == 'topic')
var redisSubscriptions = empty(systemTopicName) ? [] : filter(declared, sub => sub.source == 'redis')

var deadLetter = {
  identity: {
    type: 'UserAssigned'
    userAssignedIdentity: eventGridIdentityId
  }
  deadLetterDestination: {
    endpointType: 'StorageBlob'
    properties: {
      resourceId: storageAccountId
      blobContainerName: deadLetterContainerName
    }
  }
}

resource topic 'Microsoft.EventGrid/topics@2022-06-15' existing = {
  name: topicName
}

resource systemTopic 'Microsoft.EventGrid/systemTopics@2022-06-15' existing = {
  name: empty(systemTopicName) ? 'none' : systemTopicName
}

resource topicEventSubscriptions 'Microsoft.EventGrid/topics/eventSubscriptions@2022-06-15' = [
  for sub in topicSubscriptions: {
    parent: topic
    name: sub.name
    properties: {
      eventDeliverySchema: 'CloudEventSchemaV1_0'
      destination: {
        endpointType: 'AzureFunction'
        properties: {
          resourceId: '${functionAppId}/functions/${sub.function}'
          maxEventsPerBatch: 1
          preferredBatchSizeInKilobytes: 64
        }
      }
      filter: {
        includedEventTypes: sub.?eventTypes
        subjectBeginsWith: sub.?subjectBeginsWith ?? ''
        subjectEndsWith: sub.?subjectEndsWith ?? ''
      }
      retryPolicy: {
        maxDeliveryAttempts: sub.?maxDeliveryAttempts ?? 30
        eventTimeToLiveInMinutes: sub.?eventTimeToLiveMinutes ?? 1440
      }
      deadLetterWithResourceIdentity: deadLetter
    }
  }
]

// Azure Cache for Redis system events arrive in the Event Grid schema.
resource redisEventSubscriptions 'Microsoft.EventGrid/systemTopics/eventSubscriptions@2022-06-15' = [
  for sub in redisSubscriptions: {
    parent: systemTopic
    name: sub.name
    properties: {
      eventDeliverySchema: 'EventGridSchema'
      destination: {
        endpointType: 'AzureFunction'
        properties: {
          resourceId: '${functionAppId}/functions/${sub.function}'
          maxEventsPerBatch: 1
          preferredBatchSizeInKilobytes: 64
        }
      }
      filter: {
        includedEventTypes: sub.?eventTypes
        subjectBeginsWith: sub.?subjectBeginsWith ?? ''
        subjectEndsWith: sub.?subjectEndsWith ?? ''
      }
      retryPolicy: {
        maxDeliveryAttempts: sub.?maxDeliveryAttempts ?? 30
        eventTimeToLiveInMinutes: sub.?eventTimeToLiveMinutes ?? 1440
      }
      deadLetterWithResourceIdentity: deadLetter
    }
  }
]

@description('Names of the subscriptions created on the custom topic.')
output topicSubscriptionNames string[] = [for sub in topicSubscriptions: sub.name]

@description('Names of the subscriptions created on the Redis system topic.')
output redisSubscriptionNames string[] = [for sub in redisSubscriptions: sub.name]

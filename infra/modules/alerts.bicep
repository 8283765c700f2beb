// Azure Monitor alerting on the metrics the app exports (OpenTelemetry → Application Insights custom metrics), so a
// deployment alerts people even when the app's own notify subscriber is down. Names and thresholds mirror the app's
// default alert rules (shared/monitoring/alerts/alertRules.ts); test/infra/alerts.test.ts checks both against the code.

@description('Azure region of the action group and the rules (metric alerts on Application Insights are global).')
param location string

@description('Tags of every resource.')
param tags object

@description('Name of the action group (the short name is derived).')
param actionGroupName string

@description('Resource id of the Application Insights component the app exports its metrics to.')
param appInsightsId string

@description('Email addresses the action group notifies (common alert schema). Empty: no email receiver.')
param emailAddresses array = []

@secure()
@description('Webhook the action group calls (common alert schema), e.g. a Teams Workflows or PagerDuty URL. Empty: none.')
param webhookUrl string = ''

@description('Evaluation frequency of the rules (ISO-8601 duration); the app exports once per monitor tick (60 s).')
param evaluationFrequency string = 'PT1M'

resource actionGroup 'Microsoft.Insights/actionGroups@2023-01-01' = {
  name: actionGroupName
  location: 'Global'
  tags: tags
  properties: {
    groupShortName: 'rcm-alerts'
    enabled: true
    emailReceivers: [for (address, i) in emailAddresses: {
      name: 'email-${i}'
      emailAddress: address
      useCommonAlertSchema: true
    }]
    webhookReceivers: empty(webhookUrl) ? [] : [
      {
        name: 'webhook'
        serviceUri: webhookUrl
        useCommonAlertSchema: true
      }
    ]
  }
}

// One per app default rule that has an exported metric, plus one on the app's own firing incidents (the way the
// app's alerts reach the Action Group's email receivers: there is no API for an app to send through an action
// group, only a test-notification one; docs/monitoring.md, Email). Custom metrics live in the `azure.applicationinsights`
// namespace with the instrument name; `skipMetricValidation` lets the rule exist before the first export, and the
// split by cluster and node needs "alerting on custom metric dimensions" enabled on the component.
var rules = [
  {
    name: 'memory-used-percentage'
    description: 'Redis used memory above 90 % of maxmemory (app rule memory_high)'
    metricName: 'usedmemorypercentage'
    operator: 'GreaterThan'
    threshold: 90
    timeAggregation: 'Maximum'
    windowSize: 'PT5M'
    severity: 2
    dimensions: ['redis.cluster', 'redis.node']
  }
  {
    name: 'hit-ratio-low'
    description: 'Redis keyspace hit ratio of the interval below 0.8 (app rule hit_ratio_low)'
    metricName: 'redis.keyspace.hit_ratio'
    operator: 'LessThan'
    threshold: json('0.8')
    timeAggregation: 'Average'
    windowSize: 'PT15M'
    severity: 3
    dimensions: ['redis.cluster', 'redis.node']
  }
  {
    name: 'evictions-per-second'
    description: 'Redis evictions above 100 keys/s (app rule eviction_spike)'
    metricName: 'redis.keys.evicted.rate'
    operator: 'GreaterThan'
    threshold: 100
    timeAggregation: 'Average'
    windowSize: 'PT5M'
    severity: 2
    dimensions: ['redis.cluster', 'redis.node']
  }
  {
    name: 'node-unreachable'
    description: 'A Redis node did not answer the monitor (redis.up below 1; app rule node_unreachable)'
    metricName: 'redis.up'
    operator: 'LessThan'
    threshold: 1
    timeAggregation: 'Minimum'
    windowSize: 'PT5M'
    severity: 1
    dimensions: ['redis.cluster', 'redis.node']
  }
  {
    name: 'app-alerts-firing'
    description: 'An app alert incident (any of its rules, messaging and hot keys included): one notification when it starts firing, one when it resolves (split by cluster, rule, node and severity)'
    metricName: 'rcm.alerts.firing'
    operator: 'GreaterThan'
    threshold: 0
    timeAggregation: 'Maximum'
    windowSize: 'PT5M'
    severity: 2
    dimensions: ['redis.cluster', 'rcm.alert.rule', 'redis.node', 'rcm.alert.severity']
  }
]

resource metricAlerts 'Microsoft.Insights/metricAlerts@2018-03-01' = [for rule in rules: {
  name: 'rcm-${rule.name}'
  location: 'global'
  tags: tags
  properties: {
    description: rule.description
    severity: rule.severity
    enabled: true
    scopes: [appInsightsId]
    evaluationFrequency: evaluationFrequency
    windowSize: rule.windowSize
    autoMitigate: true
    criteria: {
      'odata.type': 'Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria'
      allOf: [
        {
          criterionType: 'StaticThresholdCriterion'
          name: rule.name
          metricNamespace: 'azure.applicationinsights'
          metricName: rule.metricName
          operator: rule.operator
          threshold: rule.threshold
          timeAggregation: rule.timeAggregation
          skipMetricValidation: true
          dimensions: [for dimension in rule.dimensions: { name: dimension, operator: 'Include', values: ['*'] }]
        }
      ]
    }
    actions: [
      { actionGroupId: actionGroup.id }
    ]
  }
}]

output actionGroupId string = actionGroup.id
output alertRuleNames array = [for (rule, i) in rules: metricAlerts[i].name]

import { describe, expect, it } from 'vitest';
import { monitorInstruments } from '../../shared/monitoring/collection/monitorInstruments';
import { alertsFiringInstrument } from '../../shared/monitoring/collection/MonitorTelemetry';
import { defaultAlertRules } from '../../shared/monitoring/alerts/alertRules';
import { readSource, resourceDeclarations } from './infraSource';

/** The rules of `infra/modules/alerts.bicep` as written: metric, operator, threshold, aggregation. */
function ruleBlocks(source: string): { metricName: string; operator: string; threshold: number; timeAggregation: string }[] {
  const list = /var rules = \[([\s\S]*?)\n\]/.exec(source)?.[1] ?? '';
  return [...list.matchAll(/\{([\s\S]*?)\n {2}\}/g)].map((m) => {
    const field = (name: string) => new RegExp(`\\n\\s+${name}: ([^\\n]+)`).exec(m[1] ?? '')?.[1]?.trim() ?? '';
    const raw = field('threshold');
    return { metricName: field('metricName').replace(/'/g, ''), operator: field('operator').replace(/'/g, ''), threshold: Number(/json\('([\d.]+)'\)/.exec(raw)?.[1] ?? raw), timeAggregation: field('timeAggregation').replace(/'/g, '') };
  });
}

/** Problems of the alert rules against what the app exports and its own default rules (empty = consistent). */
function alertRuleProblems(source: string): string[] {
  const problems: string[] = [];
  const exported = new Set([...monitorInstruments.map((i) => i.name), alertsFiringInstrument.name]);
  const rules = ruleBlocks(source);
  const byMetric = new Map(rules.map((r) => [r.metricName, r]));
  for (const r of rules) if (!exported.has(r.metricName)) problems.push(`${r.metricName} is not an exported metric`);
  const app = (id: string) => defaultAlertRules.find((r) => r.id === id);
  const expectations: [string, string, number][] = [
    ['usedmemorypercentage', 'GreaterThan', (app('memory_high')?.raiseAt ?? NaN) * 100],
    ['redis.keyspace.hit_ratio', 'LessThan', app('hit_ratio_low')?.raiseAt ?? NaN],
    ['redis.keys.evicted.rate', 'GreaterThan', app('eviction_spike')?.raiseAt ?? NaN],
    ['redis.up', 'LessThan', app('node_unreachable')?.raiseAt ?? NaN],
    // Any firing incident of the app's own rules (every severity observed, 0 when none): the email path.
    ['rcm.alerts.firing', 'GreaterThan', 0],
  ];
  for (const [metric, operator, threshold] of expectations) {
    const rule = byMetric.get(metric);
    if (!rule) problems.push(`no rule on ${metric}`);
    else if (rule.operator !== operator || Math.abs(rule.threshold - threshold) > 1e-9) problems.push(`${metric}: ${rule.operator} ${rule.threshold}, the app's rule is ${operator} ${threshold}`);
  }
  return problems;
}

describe('Azure Monitor alerting (infra/modules/alerts.bicep)', () => {
  const source = readSource('infra/modules/alerts.bicep');

  it('has metric alert rules on exported metrics with the thresholds of the app’s own default rules', () => {
    expect(alertRuleProblems(source)).toEqual([]);
    expect(ruleBlocks(source)).toHaveLength(5);
  });

  it('the checker fails on a rule the app does not export or a drifted threshold (so it cannot pass vacuously)', () => {
    const drifted = source.replace("metricName: 'usedmemorypercentage'", "metricName: 'usedmemory_percent'").replace('threshold: 100', 'threshold: 50');
    expect(alertRuleProblems(drifted)).toEqual(['usedmemory_percent is not an exported metric', 'no rule on usedmemorypercentage', "redis.keys.evicted.rate: GreaterThan 50, the app's rule is GreaterThan 100"]);
  });

  it('an action group with email and webhook receivers from parameters (common alert schema) is every rule’s action', () => {
    const resources = resourceDeclarations(source);
    const group = resources.find((r) => r.type === 'Microsoft.Insights/actionGroups');
    expect(group?.body).toMatch(/emailReceivers: \[for \(address, i\) in emailAddresses: \{[\s\S]*emailAddress: address[\s\S]*useCommonAlertSchema: true/);
    expect(group?.body).toMatch(/webhookReceivers: empty\(webhookUrl\) \? \[\] : \[[\s\S]*serviceUri: webhookUrl[\s\S]*useCommonAlertSchema: true/);
    expect(source).toMatch(/@secure\(\)\n@description\([^\n]*\)\nparam webhookUrl string/);
    const alerts = resources.find((r) => r.type === 'Microsoft.Insights/metricAlerts');
    expect(alerts?.body).toMatch(/scopes: \[appInsightsId\]/);
    expect(alerts?.body).toMatch(/actions: \[\s*\{ actionGroupId: actionGroup\.id \}/);
    expect(alerts?.body).toMatch(/metricNamespace: 'azure\.applicationinsights'/);
    // Split by cluster and node for the node metrics, by cluster and severity for the app's own incidents.
    expect(alerts?.body).toMatch(/dimensions: \[for dimension in rule\.dimensions: \{ name: dimension, operator: 'Include', values: \['\*'\] \}\]/);
    expect(source.match(/dimensions: \['redis\.cluster', 'redis\.node'\]/g)).toHaveLength(4);
    expect(source).toMatch(/metricName: 'rcm\.alerts\.firing'[\s\S]*?dimensions: \['redis\.cluster', 'rcm\.alert\.rule', 'redis\.node', 'rcm\.alert\.severity'\]/);
  });

  it('main.bicep deploys it on the Application Insights component with the receivers as parameters', () => {
    const main = readSource('infra/main.bicep');
    expect(main).toMatch(/module alerts 'modules\/alerts\.bicep' = \{[\s\S]*?appInsightsId: appInsights\.outputs\.resourceId[\s\S]*?emailAddresses: alertEmailAddresses[\s\S]*?webhookUrl: alertWebhookUrl/);
    expect(main).toMatch(/@secure\(\)\n@description\([^\n]*\)\nparam alertWebhookUrl string = ''/);
  });
});

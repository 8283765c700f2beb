import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { eventTypes } from '../../shared/platform/events/catalogue';
import { eventGridSubscriptionsFileSchema } from '../../shared/platform/events/subscriptionsSchema';
import { subscriptionProblems } from './infraChecks';
import { infraDir, readSource, root } from './infraSource';
import { registeredFunctions, scanRegistrations } from './registeredFunctions';

const file = eventGridSubscriptionsFileSchema.parse(JSON.parse(readFileSync(join(infraDir, 'eventgrid-subscriptions.json'), 'utf8')));
const bicep = readSource('infra/modules/eventSubscriptions.bicep');

describe('Event Grid subscriptions', () => {
  it('are created from infra/eventgrid-subscriptions.json, one loop per source', () => {
    expect(bicep).toMatch(/loadJsonContent\('\.\.\/eventgrid-subscriptions\.json'\)\.subscriptions/);
    const sources = new Set(['topic', 'redis']);
    for (const source of sources) expect(bicep).toContain(`filter(declared, sub => sub.source == '${source}')`);
    expect(file.subscriptions.filter((s) => !sources.has(s.source))).toEqual([]);
    expect(bicep).toMatch(/\[\s*for sub in topicSubscriptions:/);
    expect(bicep).toMatch(/\[\s*for sub in redisSubscriptions:/);
  });

  it('deliver to the named function with its filters, retry policy and a dead-letter container', () => {
    const loops = bicep.split(/^resource /m).filter((block) => /for sub in/.test(block));
    expect(loops).toHaveLength(2);
    for (const loop of loops) {
      expect(loop).toMatch(/name: sub\.name/);
      expect(loop).toMatch(/endpointType: 'AzureFunction'/);
      expect(loop).toContain("resourceId: '${functionAppId}/functions/${sub.function}'");
      expect(loop).toMatch(/includedEventTypes: sub\.\?eventTypes/);
      expect(loop).toMatch(/subjectBeginsWith: sub\.\?subjectBeginsWith/);
      expect(loop).toMatch(/subjectEndsWith: sub\.\?subjectEndsWith/);
      expect(loop).toMatch(/maxDeliveryAttempts: sub\.\?maxDeliveryAttempts \?\? 30/);
      expect(loop).toMatch(/eventTimeToLiveInMinutes: sub\.\?eventTimeToLiveMinutes \?\? 1440/);
      expect(loop).toMatch(/deadLetterWithResourceIdentity: deadLetter/);
    }
    expect(loops[0]).toMatch(/eventDeliverySchema: 'CloudEventSchemaV1_0'/);
    expect(loops[1]).toMatch(/eventDeliverySchema: 'EventGridSchema'/);
  });

  it('every Event Grid function the app registers has a subscription with valid event types', () => {
    const functions = registeredFunctions(join(root, 'functions'));
    expect(functions.length).toBeGreaterThan(0);
    expect(subscriptionProblems(functions, file.subscriptions, eventTypes)).toEqual([]);
  });

  it('the custom topic takes CloudEvents and only Entra-authenticated publishers', () => {
    const eventGrid = readSource('infra/modules/eventGrid.bicep');
    expect(eventGrid).toMatch(/inputSchema: 'CloudEventSchemaV1_0'/);
    expect(eventGrid).toMatch(/disableLocalAuth: true/);
    expect(eventGrid).toMatch(/topicType: 'Microsoft\.Cache\.Redis'/);
  });

  it('main.bicep deploys them only when asked (after the functions exist)', () => {
    expect(readSource('infra/main.bicep')).toMatch(/module eventSubscriptions 'modules\/eventSubscriptions\.bicep' = if \(deployEventSubscriptions\)/);
  });
});

describe('subscriptionProblems (the checker itself)', () => {
  const functions = scanRegistrations(
    [
      "app.eventGrid('warmOnInvalidation', { handler });",
      "app.eventGrid('warmOnPatching', { handler });",
      "app.http('health', { route: 'health', methods: ['GET'], handler });",
    ].join('\n'),
    'warm.ts',
  );

  it('passes a complete declaration', () => {
    const subscriptions = [
      { name: 'warm-invalidated', function: 'warmOnInvalidation', source: 'topic' as const, eventTypes: ['RedisClusterManager.Keys.Invalidated'] },
      { name: 'warm-patched', function: 'warmOnPatching', source: 'redis' as const, eventTypes: ['Microsoft.Cache.PatchingCompleted'] },
    ];
    expect(subscriptionProblems(functions, subscriptions, eventTypes)).toEqual([]);
  });

  it('catches a missing subscription, a wrong target and foreign event types', () => {
    const problems = subscriptionProblems(
      functions,
      [
        { name: 'warm-invalidated', function: 'warmOnInvalidation', source: 'topic', eventTypes: ['Microsoft.Cache.PatchingCompleted'] },
        { name: 'to-http', function: 'health', source: 'redis', eventTypes: ['RedisClusterManager.Keys.Invalidated'] },
      ],
      eventTypes,
    );
    expect(problems).toEqual([
      "Event Grid function 'warmOnPatching' (warm.ts) has no subscription in infra/eventgrid-subscriptions.json",
      "subscription 'warm-invalidated' filters on 'Microsoft.Cache.PatchingCompleted', which is not in the event catalogue",
      "subscription 'to-http' targets 'health', which is not a registered Event Grid function",
      "subscription 'to-http' (source redis) filters on 'RedisClusterManager.Keys.Invalidated', not a Microsoft.Cache.* event",
    ]);
  });
});

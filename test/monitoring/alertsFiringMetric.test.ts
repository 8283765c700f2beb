import { describe, expect, it } from 'vitest';
import { alertsFiringInstrument, localTelemetry } from '../../shared/monitoring/collection/MonitorTelemetry';
import { InMemoryReader } from './otelReader';

// The metric the Azure Monitor alert `app-alerts-firing` (infra/modules/alerts.bicep) watches to email through the
// Action Group: one series per incident (cluster, rule, node, severity), 1 while it fires and 0 after, so the alert,
// split by those dimensions, sends one email when an incident starts and one when it ends.
describe('rcm.alerts.firing', () => {
  it('is one series per incident: 1 while it fires, 0 once it resolved; pending and never-fired incidents are absent', async () => {
    const reader = new InMemoryReader();
    const telemetry = await localTelemetry([reader]);
    const state = (rule: string, node: string | null, severity: string, status = 'firing') => ({ status, severity, rule, node });
    const points = async () =>
      (await reader.points())
        .filter((p) => p.name === alertsFiringInstrument.name)
        .map((p) => [p.attributes['redis.cluster'], p.attributes['rcm.alert.rule'], p.attributes['redis.node'], p.attributes['rcm.alert.severity'], p.value])
        .sort((x, y) => JSON.stringify(x).localeCompare(JSON.stringify(y)));

    telemetry.recordAlerts(
      new Map([
        ['a', [state('memory_high', '10.0.0.1:6379', 'warning'), state('memory_high', '10.0.0.2:6379', 'warning'), state('node_unreachable', '10.0.0.3:6379', 'critical', 'pending')]],
        ['b', [state('stream_lag', null, 'warning')]],
      ]),
    );
    expect(await points()).toEqual([
      ['a', 'memory_high', '10.0.0.1:6379', 'warning', 1],
      ['a', 'memory_high', '10.0.0.2:6379', 'warning', 1],
      ['b', 'stream_lag', '(cluster)', 'warning', 1],
    ]);

    // Node 1 resolved (its state is gone), node 3 now fires; cluster b is no longer registered.
    telemetry.recordAlerts(new Map([['a', [state('memory_high', '10.0.0.2:6379', 'warning'), state('node_unreachable', '10.0.0.3:6379', 'critical')]]]), new Set(['a']));
    // (The SDK's cumulative reader of this test keeps the last value of a series no longer observed, hence b's row;
    // Azure Monitor's exporter is delta, where a dropped cluster simply stops reporting.)
    expect((await points()).filter((p) => p[0] === 'a')).toEqual([
      ['a', 'memory_high', '10.0.0.1:6379', 'warning', 0],
      ['a', 'memory_high', '10.0.0.2:6379', 'warning', 1],
      ['a', 'node_unreachable', '10.0.0.3:6379', 'critical', 1],
    ]);

    telemetry.recordAlerts(new Map([['a', []]]), new Set(['a']));
    expect((await points()).filter((p) => p[0] === 'a').map((p) => p[4])).toEqual([0, 0, 0]);
  });
});

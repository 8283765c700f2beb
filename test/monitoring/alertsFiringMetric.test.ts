import { describe, expect, it } from 'vitest';
import { alertsFiringInstrument, localTelemetry } from '../../shared/monitoring/collection/MonitorTelemetry';
import { InMemoryReader } from './otelReader';

// The metric the Azure Monitor alert `app-alerts-firing` (infra/modules/alerts.bicep) watches to email through the
// Action Group: firing incidents by cluster and severity, every severity observed so the alert can resolve.
describe('rcm.alerts.firing', () => {
  it('counts firing incidents per cluster and severity, 0 for the others', async () => {
    const reader = new InMemoryReader();
    const telemetry = await localTelemetry([reader]);
    const firing = (severity: string) => ({ status: 'firing', severity });
    telemetry.recordAlerts(new Map([['a', [firing('warning'), firing('warning'), { status: 'pending', severity: 'critical' }]], ['b', []]]));
    const points = async () =>
      (await reader.points()).filter((p) => p.name === alertsFiringInstrument.name).map((p) => [p.attributes['redis.cluster'], p.attributes['rcm.alert.severity'], p.value]);
    expect(await points()).toEqual([
      ['a', 'info', 0],
      ['a', 'warning', 2],
      ['a', 'critical', 0],
      ['b', 'info', 0],
      ['b', 'warning', 0],
      ['b', 'critical', 0],
    ]);
    telemetry.recordAlerts(new Map([['b', [firing('critical')]]]), new Set(['b']));
    // (The SDK's cumulative reader of this test keeps the last value of a series no longer observed; Azure Monitor's
    // exporter is delta, where a dropped cluster simply stops reporting.)
    expect((await points()).filter((p) => p[0] === 'b')).toEqual([
      ['b', 'info', 0],
      ['b', 'warning', 0],
      ['b', 'critical', 1],
    ]);
  });
});

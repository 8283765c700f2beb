import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { monitorInstruments } from '../../shared/monitoring/collection/monitorInstruments';
import { localTelemetry } from '../../shared/monitoring/collection/MonitorTelemetry';
import { InMemoryReader } from './otelReader';
import { reading } from './readings';

// The REST names of Azure Monitor's Redis platform metrics (Microsoft.Cache/redis and redisEnterprise) we export.
const azureNames = ['cachehits', 'cachemisses', 'usedmemory', 'usedmemoryRss', 'usedmemorypercentage', 'connectedclients', 'evictedkeys', 'expiredkeys', 'operationsPerSecond', 'totalcommandsprocessed', 'totalkeys', 'cacheRead', 'cacheWrite', 'cacheLatency'];

describe('OpenTelemetry names aligned with Azure Monitor', () => {
  it('exports each overlapping metric under its Azure Monitor name, in Azure’s unit, and docs/monitoring.md maps every one', async () => {
    const exported = new Set(monitorInstruments.map((i) => i.name));
    for (const name of azureNames) expect(exported.has(name), name).toBe(true);
    const doc = readFileSync(join(__dirname, '..', '..', 'docs', 'monitoring.md'), 'utf8');
    const mapping = doc.slice(doc.indexOf('#### Azure Monitor names'));
    for (const name of azureNames) expect(mapping, name).toContain(`| \`${name}\` |`);

    const reader = new InMemoryReader();
    const telemetry = await localTelemetry([reader]);
    telemetry.record([reading({ memoryUsedRatio: 0.42, rttMs: 0.35, opsPerSec: 1200, netOutBytesPerSec: 5000, netInBytesPerSec: 700 })]);
    const points = new Map((await reader.points()).map((p) => [p.name, p]));
    expect(points.get('usedmemorypercentage')).toMatchObject({ unit: '%', value: 42 });
    expect(points.get('cacheLatency')).toMatchObject({ unit: 'us', value: 350 });
    expect(points.get('operationsPerSecond')?.value).toBe(1200);
    expect(points.get('cacheRead')?.value).toBe(5000);
    expect(points.get('cacheWrite')?.value).toBe(700);
  });
});

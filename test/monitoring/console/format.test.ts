import { describe, expect, it } from 'vitest';
import { formatAgo, formatBytes, formatCount, formatDuration, formatMaxmemory, formatMemoryOf, formatRatio, formatTick, formatUnit } from '../../../shared/monitoring/console/browser/format';

describe('console formatting', () => {
  it('writes sizes in binary units and says "no limit" for maxmemory 0, never "0 B"', () => {
    expect([formatBytes(0), formatBytes(1023), formatBytes(1536), formatBytes(5 * 1024 ** 3), formatBytes(150 * 1024 ** 2)]).toEqual(['0 B', '1023 B', '1.5 KiB', '5.0 GiB', '150 MiB']);
    expect(formatMaxmemory(0)).toBe('no limit');
    expect(formatMaxmemory(64 * 1024 ** 2)).toBe('64.0 MiB');
    expect(formatMemoryOf(1536, 0)).toBe('1.5 KiB (no limit)');
    expect(formatMemoryOf(1536, 4096)).toBe('1.5 KiB of 4.0 KiB');
  });

  it('says "–" for missing values instead of drawing them as 0', () => {
    for (const f of [formatBytes, formatCount, formatRatio, formatDuration]) {
      expect(f(null)).toBe('–');
      expect(f(undefined)).toBe('–');
      expect(f(Number.NaN)).toBe('–');
    }
    expect(formatUnit(null, 'By')).toBe('–');
  });

  it('writes counts, ratios, durations and units', () => {
    expect([formatCount(7), formatCount(9999), formatCount(12_345), formatCount(2_500_000), formatCount(0.256)]).toEqual(['7', '9999', '12.3 k', '2.50 M', '0.26']);
    expect(formatRatio(0.8734)).toBe('87.3 %');
    expect([formatDuration(45), formatDuration(725), formatDuration(12_000), formatDuration(190_000)]).toEqual(['45 s', '12 min 5 s', '3 h 20 min', '2 d 4 h']);
    expect(formatDuration(-1)).toBe('–');
    expect(formatUnit(2048, 'By/s')).toBe('2.0 KiB/s');
    expect(formatUnit(1, '1')).toBe('100.0 %');
    expect(formatUnit(12_000, '{command}/s')).toBe('12.0 k/s');
    expect(formatUnit(3.14159, 'ms')).toBe('3.14 ms');
    expect([formatTick(15, 'ms'), formatTick(2.5, 'ms'), formatTick(0.5, '1'), formatTick(2048, 'By')]).toEqual(['15 ms', '2.5 ms', '50 %', '2.0 KiB']);
  });

  it('says how long ago', () => {
    const now = Date.parse('2026-12-01T08:00:00Z');
    expect(formatAgo(now - 2000, now)).toBe('just now');
    expect(formatAgo(now - 40_000, now)).toBe('40 s ago');
    expect(formatAgo(now - 300_000, now)).toBe('5 min ago');
    expect(formatAgo(now - 3 * 86_400_000, now)).toBe('2026-11-28 08:00');
  });
});

import { describe, expect, it } from 'vitest';
import { ncrontabProblem } from '../../shared/platform/schedule/ncrontab';
import { parseTimerSchedule } from '../../tools/host/timer/timerSchedule';

describe('the host parses timer schedules with the shared NCRONTAB implementation', () => {
  it('takes names and refuses what the real host refuses, with the same messages as warm plans', () => {
    const monday = parseTimerSchedule('0 0 9 * * MON');
    expect(monday.kind).toBe('cron');
    expect(monday.next(new Date('2030-01-01T00:00:00Z'))?.toISOString()).toBe('2030-01-07T09:00:00.000Z');
    expect(() => parseTimerSchedule('0 0 0 * * 7')).toThrow(ncrontabProblem('0 0 0 * * 7'));
    expect(() => parseTimerSchedule('* * * * *')).toThrow(/NCRONTAB needs 6/);
  });
});

describe('TimeSpan schedules', () => {
  it('runs every interval after the previous time', () => {
    const schedule = parseTimerSchedule('00:05:00');
    expect(schedule.kind).toBe('timespan');
    expect(schedule.next(new Date('2024-01-01T00:00:00Z'))?.toISOString()).toBe('2024-01-01T00:05:00.000Z');
    expect(parseTimerSchedule('1.02:00:00').next(new Date('2024-01-01T00:00:00Z'))?.toISOString()).toBe('2024-01-02T02:00:00.000Z');
  });

  it('rejects a zero interval and out-of-range fields', () => {
    expect(() => parseTimerSchedule('00:00:00')).toThrow(/positive/);
    expect(() => parseTimerSchedule('00:61:00')).toThrow(/positive/);
  });
});

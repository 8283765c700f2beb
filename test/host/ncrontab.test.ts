import { describe, expect, it } from 'vitest';
import { nextOccurrence, parseNcrontab } from '../../tools/host/timer/ncrontab';
import { parseTimerSchedule } from '../../tools/host/timer/timerSchedule';

function next(expression: string, after: string, count = 1): string[] {
  const schedule = parseNcrontab(expression);
  const out: string[] = [];
  let t = new Date(after);
  for (let i = 0; i < count; i++) {
    const n = nextOccurrence(schedule, t);
    if (!n) break;
    out.push(n.toISOString());
    t = n;
  }
  return out;
}

describe('NCRONTAB next occurrences (UTC)', () => {
  it.each([
    ['* * * * * *', '2024-01-01T00:00:00.500Z', ['2024-01-01T00:00:01.000Z', '2024-01-01T00:00:02.000Z']],
    ['*/15 * * * * *', '2024-01-01T00:00:10Z', ['2024-01-01T00:00:15.000Z', '2024-01-01T00:00:30.000Z', '2024-01-01T00:00:45.000Z', '2024-01-01T00:01:00.000Z']],
    ['0 */5 * * * *', '2024-01-01T00:03:00Z', ['2024-01-01T00:05:00.000Z', '2024-01-01T00:10:00.000Z']],
    ['0 30 9 * * *', '2024-01-01T09:30:00Z', ['2024-01-02T09:30:00.000Z']],
    ['0 0 9-17/4 * * *', '2024-01-01T10:00:00Z', ['2024-01-01T13:00:00.000Z', '2024-01-01T17:00:00.000Z', '2024-01-02T09:00:00.000Z']],
    ['0 0 12 * * MON-FRI', '2024-01-05T13:00:00Z', ['2024-01-08T12:00:00.000Z']],
    ['0 0 0 * * SUN', '2024-01-01T00:00:00Z', ['2024-01-07T00:00:00.000Z']],
    ['0 0 0 1 JAN,JUL *', '2024-02-01T00:00:00Z', ['2024-07-01T00:00:00.000Z', '2025-01-01T00:00:00.000Z']],
    ['0 0 0 29 2 *', '2024-03-01T00:00:00Z', ['2028-02-29T00:00:00.000Z']],
    ['5,10 0 0 31 * *', '2024-04-01T00:00:00Z', ['2024-05-31T00:00:05.000Z', '2024-05-31T00:00:10.000Z']],
    // NCrontab requires day-of-month AND day-of-week to match: the next Friday the 13th.
    ['0 0 0 13 * 5', '2024-01-01T00:00:00Z', ['2024-09-13T00:00:00.000Z']],
    ['0 0 23 31 12 *', '2024-12-31T22:59:59Z', ['2024-12-31T23:00:00.000Z', '2025-12-31T23:00:00.000Z']],
    ['0 0 0 * * 7', '2024-01-01T00:00:00Z', ['2024-01-07T00:00:00.000Z']],
  ])('%s after %s', (expression, after, expected) => {
    expect(next(expression, after, expected.length)).toEqual(expected);
  });

  it.each([
    ['* * * * *', /6/],
    ['60 * * * * *', /second value 60/],
    ['* * 24 * * *', /hour value 24/],
    ['* * * 0 * *', /day value 0/],
    ['* * * * FOO *', /month value "FOO"/],
    ['*/0 * * * * *', /step/],
    ['5-1 * * * * *', /backwards/],
    ['a * * * * *', /second value "a"/],
  ])('rejects %s', (expression, message) => {
    expect(() => parseNcrontab(expression)).toThrow(message);
  });

  it('answers undefined for a date that never comes', () => {
    expect(nextOccurrence(parseNcrontab('0 0 0 30 2 *'), new Date('2024-01-01T00:00:00Z'))).toBeUndefined();
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

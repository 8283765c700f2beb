import { describe, expect, it } from 'vitest';
import { firesInMinute, ncrontabProblem, nextOccurrence, parseNcrontab } from '../../shared/platform/schedule/ncrontab';

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

/** `dd/MM/yyyy HH:mm:ss` (NCrontab's test format) as an ISO instant, read as UTC. */
const ncrontabTime = (s: string) => {
  const [, d, m, y, time] = /^(\d\d)\/(\d\d)\/(\d{4}) (\d\d:\d\d:\d\d)$/.exec(s) ?? [];
  return `${y}-${m}-${d}T${time}.000Z`;
};

describe("Microsoft's NCRONTAB examples for the timer trigger (learn.microsoft.com, functions-bindings-timer)", () => {
  // 2030-01-07 is a Monday.
  it.each([
    ['0 */5 * * * *', 'once every five minutes', '2030-01-07T10:03:00Z', ['2030-01-07T10:05:00.000Z', '2030-01-07T10:10:00.000Z']],
    ['0 0 * * * *', 'once at the top of every hour', '2030-01-07T10:03:00Z', ['2030-01-07T11:00:00.000Z', '2030-01-07T12:00:00.000Z']],
    ['0 0 */2 * * *', 'once every two hours', '2030-01-07T10:03:00Z', ['2030-01-07T12:00:00.000Z', '2030-01-07T14:00:00.000Z']],
    ['0 0 9-17 * * *', 'once every hour from 9 AM to 5 PM', '2030-01-07T16:30:00Z', ['2030-01-07T17:00:00.000Z', '2030-01-08T09:00:00.000Z']],
    ['0 30 9 * * *', 'at 9:30 AM every day', '2030-01-07T09:30:00Z', ['2030-01-08T09:30:00.000Z']],
    ['0 30 9 * * 1-5', 'at 9:30 AM every weekday', '2030-01-11T10:00:00Z', ['2030-01-14T09:30:00.000Z']],
    ['0 30 9 * Jan Mon', 'at 9:30 AM every Monday in January', '2030-01-28T10:00:00Z', ['2031-01-06T09:30:00.000Z', '2031-01-13T09:30:00.000Z']],
  ])('%s: %s', (expression, _what, after, expected) => {
    expect(next(expression, after, expected.length)).toEqual(expected);
  });
});

describe("NCrontab's own test cases (NCrontab.Tests/CrontabScheduleTests.cs, six-field form)", () => {
  it.each([
    ['01/01/2003 00:00:00', '45-47,48,49 * * * * *', '01/01/2003 00:00:45'],
    ['01/01/2003 00:00:49', '45-47,48,49 * * * * *', '01/01/2003 00:01:45'],
    ['01/01/2003 00:00:57', '2/5 * * * * *', '01/01/2003 00:01:02'],
    ['24/02/2021 09:50:35', '* 0-1 10 * * *', '24/02/2021 10:00:00'],
    ['01/01/2003 00:49:30', '6 45-47,48,49 * * * *', '01/01/2003 01:45:06'],
    ['07/01/2003 00:00:00', '0 30 * 1 * *', '01/02/2003 00:30:00'],
    ['31/01/2000 00:00:00', '0 0 0 15,30,31 * *', '15/02/2000 00:00:00'],
    ['01/12/2003 05:00:00', '0 10 * * 6 *', '01/06/2004 00:10:00'],
    ['01/07/2002 05:00:00', '0 10 * * February,April-Jun *', '01/02/2003 00:10:00'],
    ['11/03/1988 14:23:00', '0 20 * * january,FeB,Mar,april,May,JuNE,July,Augu,SEPT-October,Nov,DECEM *', '11/03/1988 15:20:00'],
    ['26/06/2003 10:00:00', '0 30 6 * * 0', '29/06/2003 06:30:00'],
    ['26/06/2003 10:00:00', '0 30 6 * * sunday', '29/06/2003 06:30:00'],
    ['26/06/2003 10:00:00', '0 30 6 * * SUNDAY', '29/06/2003 06:30:00'],
    ['19/06/2003 00:00:00', '0 1 12 * * 2', '24/06/2003 12:01:00'],
    ['01/06/2003 14:55:00', '0 15 18 * * Mon', '02/06/2003 18:15:00'],
    // Day-of-month AND day-of-week: the next 1st of a month that is a Monday.
    ['01/01/2003 12:00:00', '0 45 16 1 * Mon', '01/09/2003 16:45:00'],
    ['01/09/2003 23:45:00', '0 45 16 1 * Mon', '01/12/2003 16:45:00'],
    ['29/02/2000 12:01:00', '0 1 12 29 2 *', '29/02/2004 12:01:00'],
    ['01/01/2000 14:40:00', '0 40 14/1 * * *', '01/01/2000 15:40:00'],
  ])('after %s, %s -> %s', (after, expression, expected) => {
    expect(next(expression, ncrontabTime(after))).toEqual([ncrontabTime(expected)]);
  });

  it('finds "0 0 29 Feb Mon" 28 years on and never loops on February 31st', () => {
    expect(next('0 0 0 29 Feb Mon', '2017-01-01T00:00:00Z')).toEqual(['2044-02-29T00:00:00.000Z']);
    const started = performance.now();
    expect(nextOccurrence(parseNcrontab('* * * 31 Feb *'), new Date('2001-01-01T00:00:00Z'))).toBeUndefined();
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it.each([
    ['bad * * * * *', /second field "bad"/],
    ['* bad * * * *', /minute field/],
    ['* * bad * * *', /hour field/],
    ['* * * bad * *', /day field/],
    ['* * * * bad *', /month field "bad".*prefix of January/],
    ['* * * * * mon,bad,wed', /day-of-week field "mon,bad,wed"/],
    ['* * 1,2,3,456,7,8,9 * * *', /456 is outside 0-23/],
    ['* * 1,Z,3,4 * * *', /"Z" is not a number/],
    ['* * 1/Z * * *', /step "Z"/],
    ['* * 3-l2 * * *', /"l2"/],
  ])("refuses NCrontab's bad field %s", (expression, message) => {
    expect(() => parseNcrontab(expression)).toThrow(message);
  });
});

describe('NCrontab semantics where cron dialects differ', () => {
  it('takes names as any prefix, first match in calendar order', () => {
    expect([...parseNcrontab('0 0 0 * Jan,M,Ju,Jul,DECEMBER *').months]).toEqual([1, 3, 6, 7, 12]);
    expect([...parseNcrontab('0 0 0 * * T,th,Sat,sunday').daysOfWeek].sort()).toEqual([0, 2, 4, 6]);
    expect([...parseNcrontab('0 0 9 * * MON').daysOfWeek]).toEqual([1]);
  });

  it('swaps a reversed range, runs v/step to the maximum and counts a step below 1 as 1', () => {
    expect([...parseNcrontab('5-1 * * * * *').seconds]).toEqual([1, 2, 3, 4, 5]);
    expect([...parseNcrontab('0 0 0 * * Fri-Mon').daysOfWeek]).toEqual([1, 2, 3, 4, 5]);
    expect([...parseNcrontab('0 50/5 * * * *').minutes]).toEqual([50, 55]);
    expect(parseNcrontab('*/0 * * * * *').seconds.size).toBe(60);
  });

  it('has day-of-week 0-6 with Sunday = 0 and refuses 7, as the Functions host does', () => {
    expect(next('0 0 0 * * 0', '2024-01-01T00:00:00Z')).toEqual(['2024-01-07T00:00:00.000Z']);
    expect(ncrontabProblem('0 0 0 * * 7')).toMatch(/7 is outside 0-6 \(Sunday is 0; NCrontab and the Functions host refuse 7\)/);
    expect(ncrontabProblem('0 0 0 * * 1-7')).toMatch(/7 is outside 0-6/);
  });

  it('needs exactly six fields and no empty list items', () => {
    expect(ncrontabProblem('0 3 * * *')).toMatch(/has 5 fields; NCRONTAB needs 6/);
    expect(ncrontabProblem('  0  0 3 * * *  ')).toBeUndefined();
    expect(ncrontabProblem('0 0 3, * * *')).toMatch(/cannot be empty/);
    expect(ncrontabProblem('0 -5 * * * *')).toMatch(/minute field/);
  });

  it('tells whether a schedule fires in a given UTC minute', () => {
    const weekdays = parseNcrontab('0 */15 * * * 1-5');
    expect(firesInMinute(weekdays, new Date('2030-01-05T10:15:00Z'))).toBe(false); // a Saturday
    expect(firesInMinute(weekdays, new Date('2030-01-07T10:45:59Z'))).toBe(true);
    expect(firesInMinute(parseNcrontab('30 0 3 * * *'), new Date('2030-01-01T03:00:00Z'))).toBe(true);
    expect(firesInMinute(parseNcrontab('0 0 3 * * *'), new Date('2030-01-01T03:01:00Z'))).toBe(false);
  });
});

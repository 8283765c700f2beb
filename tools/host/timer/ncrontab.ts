/**
 * Six-field NCRONTAB schedules as the Functions timer trigger reads them:
 * `{second} {minute} {hour} {day} {month} {day-of-week}`, evaluated in UTC.
 * Fields take `*`, numbers, lists `a,b`, ranges `a-b`, steps `* /n` and `a-b/n`, and names (JAN..DEC, SUN..SAT).
 * As in NCrontab, a day must match both the day-of-month and the day-of-week field.
 */
export interface CronSchedule {
  expression: string;
  seconds: Set<number>;
  minutes: Set<number>;
  hours: Set<number>;
  days: Set<number>;
  months: Set<number>;
  daysOfWeek: Set<number>;
}

const monthNames = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const dayNames = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

interface FieldSpec {
  label: string;
  min: number;
  max: number;
  names?: string[];
  namesStart?: number;
}

const fields: FieldSpec[] = [
  { label: 'second', min: 0, max: 59 },
  { label: 'minute', min: 0, max: 59 },
  { label: 'hour', min: 0, max: 23 },
  { label: 'day', min: 1, max: 31 },
  { label: 'month', min: 1, max: 12, names: monthNames, namesStart: 1 },
  { label: 'day-of-week', min: 0, max: 7, names: dayNames, namesStart: 0 },
];

function parseValue(text: string, spec: FieldSpec, expression: string): number {
  const upper = text.toUpperCase();
  const byName = spec.names?.indexOf(upper);
  if (byName !== undefined && byName >= 0) return byName + (spec.namesStart ?? 0);
  if (!/^\d+$/.test(text)) throw new Error(`Invalid ${spec.label} value "${text}" in schedule "${expression}"`);
  const value = Number(text);
  if (value < spec.min || value > spec.max) {
    throw new Error(`${spec.label} value ${value} is outside ${spec.min}-${spec.max} in schedule "${expression}"`);
  }
  return value;
}

function parseField(text: string, spec: FieldSpec, expression: string): Set<number> {
  const values = new Set<number>();
  for (const item of text.split(',')) {
    const [rangeText = '', stepText, extra] = item.split('/');
    if (extra !== undefined || rangeText === '') throw new Error(`Invalid ${spec.label} field "${text}" in schedule "${expression}"`);
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!Number.isInteger(step) || step < 1 || (stepText !== undefined && !/^\d+$/.test(stepText))) {
      throw new Error(`Invalid step "${stepText}" in ${spec.label} field of schedule "${expression}"`);
    }
    let from: number;
    let to: number;
    if (rangeText === '*') {
      from = spec.min;
      to = spec.label === 'day-of-week' ? 6 : spec.max;
    } else if (rangeText.includes('-')) {
      const [a = '', b = ''] = rangeText.split('-');
      from = parseValue(a, spec, expression);
      to = parseValue(b, spec, expression);
      if (to < from) throw new Error(`Range "${rangeText}" runs backwards in schedule "${expression}"`);
    } else {
      from = parseValue(rangeText, spec, expression);
      to = stepText === undefined ? from : spec.max;
    }
    for (let v = from; v <= to; v += step) values.add(spec.label === 'day-of-week' && v === 7 ? 0 : v);
  }
  return values;
}

export function parseNcrontab(expression: string): CronSchedule {
  const parts = expression.trim().split(/\s+/);
  if (parts.length !== 6) {
    throw new Error(
      `Schedule "${expression}" has ${parts.length} fields; NCRONTAB needs 6: {second} {minute} {hour} {day} {month} {day-of-week}`,
    );
  }
  const [seconds, minutes, hours, days, months, daysOfWeek] = parts.map((p, i) => parseField(p, fields[i]!, expression));
  return {
    expression,
    seconds: seconds!,
    minutes: minutes!,
    hours: hours!,
    days: days!,
    months: months!,
    daysOfWeek: daysOfWeek!,
  };
}

/** The first occurrence strictly after `after` (UTC, whole seconds), or undefined if none within 5 years. */
export function nextOccurrence(schedule: CronSchedule, after: Date): Date | undefined {
  const t = new Date(Math.floor(after.getTime() / 1000) * 1000 + 1000);
  const limit = after.getTime() + 5 * 366 * 24 * 3600 * 1000;
  while (t.getTime() <= limit) {
    if (!schedule.months.has(t.getUTCMonth() + 1)) {
      t.setUTCMonth(t.getUTCMonth() + 1, 1);
      t.setUTCHours(0, 0, 0);
      continue;
    }
    if (!schedule.days.has(t.getUTCDate()) || !schedule.daysOfWeek.has(t.getUTCDay())) {
      t.setUTCDate(t.getUTCDate() + 1);
      t.setUTCHours(0, 0, 0);
      continue;
    }
    if (!schedule.hours.has(t.getUTCHours())) {
      t.setUTCHours(t.getUTCHours() + 1, 0, 0);
      continue;
    }
    if (!schedule.minutes.has(t.getUTCMinutes())) {
      t.setUTCMinutes(t.getUTCMinutes() + 1, 0);
      continue;
    }
    if (!schedule.seconds.has(t.getUTCSeconds())) {
      t.setUTCSeconds(t.getUTCSeconds() + 1);
      continue;
    }
    return t;
  }
  return undefined;
}

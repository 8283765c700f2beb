/**
 * Six-field NCRONTAB, the schedule dialect of Azure Functions timer triggers (the host parses them with NCrontab,
 * `IncludingSeconds = true`): `{second} {minute} {hour} {day} {month} {day-of-week}`, evaluated in UTC here. One
 * implementation for the local host's timers and for warm-plan schedules. It follows NCrontab's parser
 * (CrontabFieldImpl / CrontabField in atifaziz/NCrontab) rather than Vixie cron where they differ:
 *
 * - a field is `*`, a value, `a-b`, or a comma list of those, each optionally `/step`; `v/step` runs from v to the
 *   field's maximum; a reversed range `5-1` is swapped (= `1-5`); a step below 1 counts as 1;
 * - month and day-of-week values may be names: any case-insensitive prefix of the English name, the first match in
 *   calendar order winning (`Jan`, `january`, `Augu`, `M` = March; `Mon`, `T` = Tuesday);
 * - day-of-week is 0-6 with Sunday = 0; `7` is out of range, as the Functions host says when it refuses it;
 * - a day must match both the day-of-month and the day-of-week field (NCrontab's rule, not cron's "either").
 */
export interface NcrontabSchedule {
  readonly expression: string;
  readonly seconds: ReadonlySet<number>;
  readonly minutes: ReadonlySet<number>;
  readonly hours: ReadonlySet<number>;
  readonly days: ReadonlySet<number>;
  readonly months: ReadonlySet<number>;
  readonly daysOfWeek: ReadonlySet<number>;
}

/** An expression NCrontab would refuse; `message` names the field and the reason. */
export class NcrontabError extends Error {
  override readonly name = 'NcrontabError';
}

interface Field {
  label: string;
  min: number;
  max: number;
  names?: readonly string[];
}

const fields: readonly Field[] = [
  { label: 'second', min: 0, max: 59 },
  { label: 'minute', min: 0, max: 59 },
  { label: 'hour', min: 0, max: 23 },
  { label: 'day', min: 1, max: 31 },
  { label: 'month', min: 1, max: 12, names: ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'] },
  { label: 'day-of-week', min: 0, max: 6, names: ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'] },
];

const int32Max = 2 ** 31 - 1;

/** Parses `expression`; throws {@link NcrontabError} naming the field for anything NCrontab refuses. */
export function parseNcrontab(expression: string): NcrontabSchedule {
  const parts = expression.trim().split(/\s+/).filter(Boolean);
  if (parts.length !== 6) {
    throw new NcrontabError(`schedule "${expression}" has ${parts.length} fields; NCRONTAB needs 6: {second} {minute} {hour} {day} {month} {day-of-week}`);
  }
  const [seconds, minutes, hours, days, months, daysOfWeek] = parts.map((part, i) => parseField(part, fields[i] as Field, expression)) as [Set<number>, Set<number>, Set<number>, Set<number>, Set<number>, Set<number>];
  return { expression, seconds, minutes, hours, days, months, daysOfWeek };
}

/** Why NCrontab would refuse `expression`, or undefined when it parses. */
export function ncrontabProblem(expression: string): string | undefined {
  try {
    parseNcrontab(expression);
    return undefined;
  } catch (error) {
    if (error instanceof NcrontabError) return error.message;
    throw error;
  }
}

function parseField(text: string, field: Field, expression: string): Set<number> {
  const values = new Set<number>();
  const fail = (reason: string) => new NcrontabError(`${field.label} field "${text}" of schedule "${expression}": ${reason}`);
  for (const item of text.split(',')) {
    if (item === '') throw fail('a value cannot be empty');
    const slash = item.indexOf('/');
    let range = item;
    let step = 1;
    if (slash > 0) {
      const stepText = item.slice(slash + 1);
      // int.Parse: an optional sign, digits, within Int32.
      if (!/^[+-]?\d+$/.test(stepText) || Math.abs(Number(stepText)) > int32Max) throw fail(`step "${stepText}" is not an integer`);
      step = Math.max(1, Number(stepText));
      range = item.slice(0, slash);
    }
    let from: number;
    let to: number;
    const dash = range.indexOf('-');
    if (range === '*') {
      from = field.min;
      to = field.max;
    } else if (dash > 0) {
      const a = value(range.slice(0, dash), field, fail);
      const b = value(range.slice(dash + 1), field, fail);
      [from, to] = a <= b ? [a, b] : [b, a];
    } else {
      from = value(range, field, fail);
      to = slash > 0 ? field.max : from;
    }
    if (from < field.min || to > field.max) {
      const bad = from < field.min ? from : to;
      throw fail(`${bad} is outside ${field.min}-${field.max}${field.label === 'day-of-week' && bad === 7 ? ' (Sunday is 0; NCrontab and the Functions host refuse 7)' : ''}`);
    }
    for (let v = from; v <= to; v += step) values.add(v);
  }
  return values;
}

function value(text: string, field: Field, fail: (reason: string) => NcrontabError): number {
  if (text === '') throw fail('a value cannot be empty');
  if (/^[0-9]/.test(text)) {
    if (!/^\d+$/.test(text) || Number(text) > int32Max) throw fail(`"${text}" is not a number`);
    return Number(text);
  }
  const upper = text.toUpperCase();
  const index = field.names?.findIndex((name) => name.toUpperCase().startsWith(upper)) ?? -1;
  if (index < 0) throw fail(field.names ? `"${text}" is not a number or a prefix of ${field.names.join(', ')}` : `"${text}" is not a number between ${field.min} and ${field.max}`);
  return index + field.min;
}

/** Every 400 years the Gregorian calendar repeats: no occurrence within that span means none ever. */
const searchLimitMs = 400 * 366 * 24 * 3600 * 1000;

/** The first occurrence strictly after `after` (UTC, whole seconds), or undefined when the schedule never fires. */
export function nextOccurrence(schedule: NcrontabSchedule, after: Date): Date | undefined {
  const t = new Date(Math.floor(after.getTime() / 1000) * 1000 + 1000);
  const limit = after.getTime() + searchLimitMs;
  while (t.getTime() <= limit) {
    if (!schedule.months.has(t.getUTCMonth() + 1)) {
      t.setUTCMonth(t.getUTCMonth() + 1, 1);
      t.setUTCHours(0, 0, 0);
    } else if (!schedule.days.has(t.getUTCDate()) || !schedule.daysOfWeek.has(t.getUTCDay())) {
      t.setUTCDate(t.getUTCDate() + 1);
      t.setUTCHours(0, 0, 0);
    } else if (!schedule.hours.has(t.getUTCHours())) {
      t.setUTCHours(t.getUTCHours() + 1, 0, 0);
    } else if (!schedule.minutes.has(t.getUTCMinutes())) {
      t.setUTCMinutes(t.getUTCMinutes() + 1, 0);
    } else if (!schedule.seconds.has(t.getUTCSeconds())) {
      t.setUTCSeconds(t.getUTCSeconds() + 1);
    } else {
      return t;
    }
  }
  return undefined;
}

/** True when the schedule fires at some second of the UTC minute that contains `at` (the warm scheduler's question). */
export function firesInMinute(schedule: NcrontabSchedule, at: Date): boolean {
  const minuteStart = Math.floor(at.getTime() / 60_000) * 60_000;
  const next = nextOccurrence(schedule, new Date(minuteStart - 1000));
  return next !== undefined && next.getTime() < minuteStart + 60_000;
}

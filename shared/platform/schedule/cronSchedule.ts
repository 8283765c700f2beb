/**
 * Six-field NCRONTAB schedules as Azure Functions timers use them (`{second} {minute} {hour} {day} {month}
 * {day-of-week}`, UTC): `*`, lists, ranges and steps. Plans with a schedule are checked once a minute by the
 * warm timer, which asks whether the schedule fires at any second of that minute.
 */
const ranges: [number, number][] = [
  [0, 59],
  [0, 59],
  [0, 23],
  [1, 31],
  [1, 12],
  [0, 6],
];

/** The allowed values of each field, or an error naming the field. */
export function parseCron(expression: string): { ok: true; fields: Set<number>[] } | { ok: false; problem: string } {
  const parts = expression.trim().split(/\s+/);
  if (parts.length !== 6) return { ok: false, problem: `a schedule has 6 fields (second minute hour day month day-of-week), got ${parts.length}` };
  const fields: Set<number>[] = [];
  for (const [i, part] of parts.entries()) {
    const [lo, hi] = ranges[i] as [number, number];
    const values = new Set<number>();
    for (const item of part.split(',')) {
      const m = /^(\*|(\d+)(?:-(\d+))?)(?:\/(\d+))?$/.exec(item);
      if (!m) return { ok: false, problem: `field ${i + 1} ('${part}') is not a number, range, list, step or '*'` };
      const from = m[1] === '*' ? lo : Number(m[2]);
      const to = m[1] === '*' ? hi : m[3] !== undefined ? Number(m[3]) : m[4] !== undefined ? hi : from;
      const step = m[4] !== undefined ? Number(m[4]) : 1;
      if (from < lo || to > hi || from > to || step < 1) return { ok: false, problem: `field ${i + 1} ('${part}') is outside ${lo}-${hi}` };
      for (let v = from; v <= to; v += step) values.add(i === 5 && v === 7 ? 0 : v);
    }
    fields.push(values);
  }
  return { ok: true, fields };
}

/** True when the schedule fires at some second of the UTC minute that contains `at`. */
export function firesInMinute(expression: string, at: Date): boolean {
  const parsed = parseCron(expression);
  if (!parsed.ok) return false;
  const [, minutes, hours, days, months, weekdays] = parsed.fields as [Set<number>, Set<number>, Set<number>, Set<number>, Set<number>, Set<number>];
  return (
    minutes.has(at.getUTCMinutes()) && hours.has(at.getUTCHours()) && days.has(at.getUTCDate()) && months.has(at.getUTCMonth() + 1) && weekdays.has(at.getUTCDay())
  );
}

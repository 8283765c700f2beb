/**
 * How the console writes numbers, sizes, rates and durations. Pure (no DOM), so the unit tests run it in Node.
 * Missing values are said in words ("no data", "no limit"), never drawn or written as 0.
 */

/** Shown for a value the API does not have (unreachable node, no lookups in the interval). */
export const noData = '–';

const byteUnits = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];

/** 1536 → "1.5 KiB"; null → "–". Binary units, as Redis' INFO `*_human` fields. */
export function formatBytes(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return noData;
  let x = Math.abs(value);
  let i = 0;
  while (x >= 1024 && i < byteUnits.length - 1) {
    x /= 1024;
    i += 1;
  }
  const digits = i === 0 || x >= 100 ? 0 : 1;
  return `${value < 0 ? '-' : ''}${x.toFixed(digits)} ${byteUnits[i] ?? 'B'}`;
}

/** Redis' `maxmemory 0` means "no limit": say so instead of "0 B". */
export function formatMaxmemory(value: number | null | undefined): string {
  if (value === 0) return 'no limit';
  return formatBytes(value);
}

/** "1.2 MiB of 4 GiB", or "1.2 MiB (no limit)". */
export function formatMemoryOf(used: number | null | undefined, max: number | null | undefined): string {
  if (used === null || used === undefined) return noData;
  if (max === null || max === undefined) return formatBytes(used);
  return max === 0 ? `${formatBytes(used)} (no limit)` : `${formatBytes(used)} of ${formatBytes(max)}`;
}

/** 12345 → "12.3 k", 0.25 → "0.25"; integers below 10 000 stay as they are. */
export function formatCount(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return noData;
  const a = Math.abs(value);
  if (a >= 1e9) return `${(value / 1e9).toFixed(2)} G`;
  if (a >= 1e6) return `${(value / 1e6).toFixed(2)} M`;
  if (a >= 1e4) return `${(value / 1e3).toFixed(1)} k`;
  if (Number.isInteger(value)) return String(value);
  if (a >= 100) return value.toFixed(0);
  return String(Math.round(value * 100) / 100);
}

/** 0.8734 → "87.3 %". */
export function formatRatio(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return noData;
  return `${(value * 100).toFixed(1)} %`;
}

/** Seconds as "45 s", "12 min 5 s", "3 h 20 min", "2 d 4 h"; null → "–". */
export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds) || seconds < 0) return noData;
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min${s % 60 ? ` ${s % 60} s` : ''}`;
  if (s < 86_400) return `${Math.floor(s / 3600)} h${Math.floor((s % 3600) / 60) ? ` ${Math.floor((s % 3600) / 60)} min` : ''}`;
  return `${Math.floor(s / 86_400)} d${Math.floor((s % 86_400) / 3600) ? ` ${Math.floor((s % 86_400) / 3600)} h` : ''}`;
}

/** A value in the unit the metrics API names (`By`, `By/s`, `1` for ratios, `ms`, `{command}/s`...). */
export function formatUnit(value: number | null | undefined, unit: string): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return noData;
  if (unit === 'By') return formatBytes(value);
  if (unit === 'By/s') return `${formatBytes(value)}/s`;
  if (unit === '1') return formatRatio(value);
  if (unit === 'ms') return `${value >= 100 ? value.toFixed(0) : value.toFixed(2)} ms`;
  if (unit === 's') return formatDuration(value);
  const per = /\/s$/.test(unit) ? '/s' : '';
  return `${formatCount(value)}${per}`;
}

/** An axis tick: as `formatUnit`, but without trailing zeros (ticks are round numbers: "15 ms", "2.5 ms"). */
export function formatTick(value: number, unit: string): string {
  if (unit === 'ms') return `${Math.round(value * 1000) / 1000} ms`;
  if (unit === '1') return `${Math.round(value * 1000) / 10} %`;
  return formatUnit(value, unit);
}

/** "just now", "40 s ago", "5 min ago", "3 h ago", or the date for anything older than a day. */
export function formatAgo(then: number, now: number): string {
  const s = Math.max(0, Math.round((now - then) / 1000));
  if (s < 5) return 'just now';
  if (s < 86_400) return `${formatDuration(s)} ago`;
  return new Date(then).toISOString().slice(0, 16).replace('T', ' ');
}

/** "2026-12-01 07:41:25 UTC": one unambiguous clock for audit entries and job times. */
export function formatTime(iso: string | number | null | undefined): string {
  if (iso === null || iso === undefined || iso === '') return noData;
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return noData;
  return `${d.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

import { nextOccurrence, parseNcrontab } from '../../../shared/platform/schedule/ncrontab.js';

/** A timer trigger schedule: NCRONTAB, or a TimeSpan `[d.]hh:mm:ss` interval as the real host also accepts. */
export interface TimerSchedule {
  kind: 'cron' | 'timespan';
  expression: string;
  /** Next occurrence after `after` (for TimeSpan: `after` + interval). */
  next(after: Date): Date | undefined;
  adjustForDst: boolean;
}

const timeSpan = /^(?:(\d+)\.)?(\d{1,2}):(\d{1,2}):(\d{1,2})$/;

/** Replaces `%NAME%` with the app setting, as the host does for binding expressions. */
export function resolveAppSetting(text: string, env: NodeJS.ProcessEnv): string {
  return text.replace(/%([^%]+)%/g, (_all, name: string) => {
    const value = env[name];
    if (value === undefined) throw new Error(`App setting "${name}" referenced by "${text}" is not set`);
    return value;
  });
}

export function parseTimerSchedule(expression: string): TimerSchedule {
  const span = timeSpan.exec(expression.trim());
  if (span) {
    const [, d = '0', h = '0', m = '0', s = '0'] = span;
    const ms = (((Number(d) * 24 + Number(h)) * 60 + Number(m)) * 60 + Number(s)) * 1000;
    if (Number(h) > 23 || Number(m) > 59 || Number(s) > 59 || ms <= 0) {
      throw new Error(`TimeSpan schedule "${expression}" is not a positive [d.]hh:mm:ss interval`);
    }
    return { kind: 'timespan', expression, adjustForDst: false, next: (after) => new Date(after.getTime() + ms) };
  }
  const cron = parseNcrontab(expression);
  return { kind: 'cron', expression, adjustForDst: true, next: (after) => nextOccurrence(cron, after) };
}

/**
 * The NCRONTAB schedule of the collector for an interval in seconds. Flex Consumption plans only take cron
 * schedules (no TimeSpan), so the interval must divide a minute (5, 10, 15, 20, 30 s) or an hour in whole
 * minutes (60, 120, 300 ... 3600 s). No imports: the function file calls it at app load (cold start).
 * @param intervalSeconds @default 60
 */
export function monitorSchedule(intervalSeconds = 60): string {
  if (Number.isInteger(intervalSeconds) && intervalSeconds >= 5 && intervalSeconds < 60 && 60 % intervalSeconds === 0) {
    return `*/${intervalSeconds} * * * * *`;
  }
  const minutes = intervalSeconds / 60;
  if (Number.isInteger(minutes) && minutes >= 1 && minutes <= 60 && 60 % minutes === 0) {
    return minutes === 1 ? '0 * * * * *' : `0 */${minutes} * * * *`;
  }
  throw new Error(`MONITOR_INTERVAL_SECONDS=${intervalSeconds}: use a divisor of 60 s (5-30) or of 60 min in whole minutes (60-3600)`);
}

/**
 * How often the `healthSnapshot` timer records every cluster's health findings (NCRONTAB: every 5 minutes). Fixed:
 * the scrape's staleness bound below follows it. Kept apart from the table contract so the function file imports
 * nothing heavy.
 */
export const healthSnapshotSchedule = '0 */5 * * * *';

/** A summary older than three snapshot intervals is stale: the scrape leaves its findings out (they go stale, not flat). */
export const healthFindingsMaxAgeMs = 15 * 60_000;

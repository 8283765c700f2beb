import { app, type InvocationContext, type Timer } from '@azure/functions';
import { healthSnapshotSchedule } from '../shared/platform/findings/healthSnapshotSchedule';

/** Every 5 minutes: every registered cluster's health findings, counted by severity and code, for the Prometheus scrape. */
export async function healthSnapshot(_timer: Timer, context: InvocationContext): Promise<void> {
  // Loaded here, not at import: cold start of the app stays small (shared/platform/lazy.ts).
  const [{ controlPlane }, { healthSnapshotTick }] = await Promise.all([import('../shared/platform/controlPlane.js'), import('../shared/admin/health/healthSnapshotTick.js')]);
  const result = await healthSnapshotTick(await controlPlane(), (line) => context.warn(line));
  context.log(`health snapshot: ${result.recorded} of ${result.clusters} cluster(s) recorded, ${result.unreachable} unreachable, ${result.failed} failed`);
}

app.timer('healthSnapshot', { schedule: healthSnapshotSchedule, handler: healthSnapshot });

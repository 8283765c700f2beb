import { app, type InvocationContext, type Timer } from '@azure/functions';
import { monitorSchedule } from '../shared/monitoring/collection/monitorSchedule';

/** Collector: every MONITOR_INTERVAL_SECONDS (default 60 s), metrics of every node, history, OpenTelemetry, alerts. */
export async function monitor(_timer: Timer, context: InvocationContext): Promise<void> {
  // Loaded here, not at import: cold start of the app stays small (shared/platform/lazy.ts).
  const { monitorTick } = await import('../shared/monitoring/collection/monitorTimer.js');
  const result = await monitorTick((line) => context.log(line));
  const nodes = result.clusters.reduce((n, c) => n + c.nodes, 0);
  const reachable = result.clusters.reduce((n, c) => n + c.reachable, 0);
  const line = `monitor tick: ${result.clusters.length} cluster(s), ${reachable}/${nodes} nodes reachable, ${Math.round(result.durationMs)} ms of ${result.budgetMs} ms budget`;
  if (result.withinBudget) context.log(line);
  else context.warn(`${line} (over budget)`);
}

app.timer('monitor', { schedule: monitorSchedule(Number(process.env['MONITOR_INTERVAL_SECONDS'] || 60)), handler: monitor });

import { noExtraPositionals, positional, printJson, type CommandSpec } from '../Command';
import { formatTime } from '../output/format';
import { printTable } from '../output/table';

const USAGE = 'alerts CLUSTER';

interface AlertsView {
  clusterId: string;
  firing: number;
  pending: number;
  alerts: Array<{ alertId: string | null; rule: string; status: 'firing' | 'pending'; severity: string; metric: string; node: string | null; value: number; threshold: number; since: string; raisedAt: string | null; lastSeen: string }>;
}

const shown = (v: number): string => (Number.isInteger(v) ? String(v) : v.toFixed(3));

export const alertsCommand: CommandSpec = {
  usage: [USAGE],
  description: 'Active alerts of a cluster: firing incidents first, then pending breaches (waiting for their duration), with the value, the threshold and since when. Exit status 0 either way (it reports; `rcm check` judges).',
  options: {},
  examples: ['rcm alerts main', 'rcm alerts main --json | jq .firing'],
  async run(ctx) {
    const cluster = positional(ctx, 0, 'CLUSTER', USAGE);
    noExtraPositionals(ctx, 1, USAGE);
    const view = await ctx.api().get<AlertsView>(`/api/clusters/${encodeURIComponent(cluster)}/alerts`);
    if (ctx.json) return printJson(ctx, view);
    const { color } = ctx.out;
    if (ctx.out.isTTY) ctx.out.line(`${color.bold(cluster)}: ${view.firing ? color.red(`${view.firing} firing`) : '0 firing'}, ${view.pending} pending`);
    printTable(
      ctx.out,
      [{ header: 'STATUS' }, { header: 'SEVERITY' }, { header: 'RULE' }, { header: 'NODE' }, { header: 'VALUE', align: 'right' }, { header: 'THRESHOLD', align: 'right' }, { header: 'SINCE' }],
      view.alerts.map((a) => [a.status === 'firing' ? color.red(a.status) : color.yellow(a.status), a.severity, a.rule, a.node ?? '(cluster)', shown(a.value), shown(a.threshold), formatTime(a.since)]),
    );
    if (view.alerts.length === 0 && ctx.out.isTTY) ctx.out.line('No active alerts.');
    return 0;
  },
};

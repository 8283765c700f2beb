import type { HealthReport } from '../../shared/admin/health/assessHealth';
import type { HealthFinding } from '../../shared/admin/health/HealthFinding';
import type { Topology, TopologyNode } from '../../shared/platform/topology/buildTopology';
import { noExtraPositionals, positional, printJson, type CommandSpec } from '../Command';
import type { Output } from '../output/Output';
import { formatSlots } from './topology';

const USAGE = 'check CLUSTER [--strict]';

/**
 * The lines `redis-cli --cluster check` prints for a finding it also makes (same words, so scripts that grep
 * redis-cli's output keep working), from the health route's redis-cli parity findings.
 */
export function redisCliLines(f: HealthFinding): string[] {
  switch (f.code) {
    case 'config_disagreement':
      return ["[ERR] Nodes don't agree about configuration!"];
    case 'slot_migrating':
    case 'slot_importing':
      return [`[WARNING] ${f.message}.`];
    case 'slots_not_covered':
      return ['[ERR] Not all 16384 slots are covered by nodes.'];
    case 'slot_multiple_owners': {
      const owners = (f.evidence['owners'] as string[] | undefined) ?? [];
      return expandRanges(String(f.evidence['slots'] ?? '')).map((slot) => `[WARNING] Slot ${slot} has ${owners.length} owners: ${owners.join(', ')}`);
    }
    case 'replica_of_unknown_master':
      return [`*** WARNING: ${String(f.evidence['replica'])} claims to be slave of unknown node ID ${String(f.evidence['masterId'])}.`];
    default:
      return [`[${f.severity === 'error' ? 'ERR' : 'WARNING'}] ${f.message}`];
  }
}

function expandRanges(ranges: string): number[] {
  return ranges
    .split(',')
    .filter((r) => r !== '')
    .flatMap((r) => {
      const [a, b] = r.split('-').map(Number);
      return a === undefined || Number.isNaN(a) ? [] : Array.from({ length: (b ?? a) - a + 1 }, (_, i) => a + i);
    });
}

function paint(out: Output, line: string): string {
  if (line.startsWith('[OK]')) return out.color.green(out.color.bold(line));
  if (line.startsWith('[ERR]') || line.startsWith('[rcm:ERR]')) return out.color.red(out.color.bold(line));
  if (line.startsWith('[WARNING]') || line.startsWith('*** WARNING') || line.startsWith('[rcm:WARNING]')) return out.color.yellow(out.color.bold(line));
  if (line.startsWith('>>>')) return out.color.bold(line);
  return line;
}

/** The whole report as text lines: redis-cli's part (cluster mode), then the manager's own findings. */
export function checkLines(health: HealthReport, topology: Topology): string[] {
  const lines: string[] = [];
  const parity = health.findings.filter((f) => f.redisCli);
  const extra = health.findings.filter((f) => !f.redisCli);
  if (health.mode === 'cluster') {
    // The nodes redis-cli loads: reachable, not flagged fail/noaddr by the entry node (redisCliView.ts).
    const loaded = topology.nodes.filter((n) => n.reachable && !n.flags.includes('fail') && !n.flags.includes('noaddr'));
    const masters = loaded.filter((n) => n.role === 'master' && n.slotCount > 0);
    const replicasOf = (m: TopologyNode): number => loaded.filter((n) => n.masterId === m.id).length;
    for (const f of parity.filter((p) => p.code === 'replica_of_unknown_master')) lines.push(...redisCliLines(f));
    for (const m of masters) lines.push(`${m.address} (${(m.id ?? '').slice(0, 8)}...) -> ${m.metrics?.keys ?? 0} keys | ${m.slotCount} slots | ${replicasOf(m)} slaves.`);
    const keys = masters.reduce((s, m) => s + (m.metrics?.keys ?? 0), 0);
    lines.push(`[OK] ${keys} keys in ${masters.length} masters.`, `${(keys / 16384).toFixed(2)} keys per slot on average.`);
    lines.push(`>>> Performing Cluster Check (using node ${health.checkedFrom})`);
    for (const n of loaded) {
      const isMaster = n.role === 'master';
      lines.push(`${isMaster ? 'M' : 'S'}: ${n.id ?? '-'} ${n.address}`);
      lines.push(`   slots:${n.slots.length ? `[${formatSlots(n.slots).split(',').join('],[')}]` : ''} (${n.slotCount} slots) ${isMaster ? 'master' : 'slave'}`);
      if (isMaster && replicasOf(n) > 0) lines.push(`   ${replicasOf(n)} additional replica(s)`);
      if (!isMaster && n.masterId) lines.push(`   replicates ${n.masterId}`);
    }
    const disagreement = parity.find((f) => f.code === 'config_disagreement');
    lines.push(disagreement ? redisCliLines(disagreement)[0] ?? '' : '[OK] All nodes agree about slots configuration.');
    lines.push('>>> Check for open slots...');
    const open = parity.filter((f) => f.code === 'slot_migrating' || f.code === 'slot_importing');
    for (const f of open) lines.push(...redisCliLines(f));
    const openSlots = [...new Set(open.flatMap((f) => ((f.evidence['slots'] as Array<{ slot: number }> | undefined) ?? []).map((s) => s.slot)))].sort((a, b) => a - b);
    if (openSlots.length) lines.push(`[WARNING] The following slots are open: ${openSlots.join(',')}.`);
    lines.push('>>> Check slots coverage...');
    const uncovered = parity.find((f) => f.code === 'slots_not_covered');
    lines.push(uncovered ? (redisCliLines(uncovered)[0] ?? '') : '[OK] All 16384 slots covered.');
    for (const f of parity.filter((p) => p.code === 'slot_multiple_owners')) lines.push(...redisCliLines(f));
  } else {
    lines.push(`>>> Standalone server ${health.checkedFrom} (${health.summary.role ?? 'master'}): redis-cli --cluster check does not apply`);
  }
  // The manager's own findings, tagged [rcm:...] so `grep '^\[ERR\]'` still sees exactly redis-cli's verdict.
  lines.push('>>> Beyond redis-cli (Redis Cluster Manager health):');
  const tag = { error: 'rcm:ERR', warning: 'rcm:WARNING', info: 'rcm:INFO' } as const;
  for (const f of extra) {
    lines.push(`[${tag[f.severity]}] ${f.code}: ${f.message}`);
    lines.push(`    fix: ${f.fix}`);
  }
  if (!extra.some((f) => f.severity !== 'info')) lines.push('[OK] No further problems found.');
  return lines;
}

export const checkCommand: CommandSpec = {
  usage: [USAGE],
  description:
    'Checks the cluster like `redis-cli --cluster check` ([OK] / [WARNING] / [ERR] lines for slot agreement, open slots, coverage, replicas of unknown masters) and exits like it: 0 when those are fine, 1 otherwise. Then the manager\'s own findings (failed or unreachable nodes, masters without replicas, memory headroom, persistence...) as [rcm:ERR] / [rcm:WARNING] / [rcm:INFO] lines, each with its fix. With --strict they count for the exit status too.',
  options: {
    strict: { type: 'boolean', description: 'exit 1 also for the manager\'s own warnings and errors (default: only redis-cli\'s)' },
  },
  examples: ['rcm check main', 'rcm check main || alert "cluster main needs attention"', 'rcm check main --json | jq .verdict'],
  async run(ctx) {
    const id = positional(ctx, 0, 'CLUSTER', USAGE);
    noExtraPositionals(ctx, 1, USAGE);
    const api = ctx.api();
    const path = `/api/clusters/${encodeURIComponent(id)}`;
    const [health, topology] = await Promise.all([api.get<HealthReport>(`${path}/health`), api.get<Topology>(`${path}/topology`)]);
    const verdict = ctx.flags.strict === true || health.mode === 'standalone' ? health.verdict : (health.redisCliVerdict ?? health.verdict);
    const code = verdict === 'ok' ? 0 : 1;
    if (ctx.json) {
      printJson(ctx, health);
      return code;
    }
    for (const line of checkLines(health, topology)) ctx.out.line(paint(ctx.out, line));
    return code;
  },
};

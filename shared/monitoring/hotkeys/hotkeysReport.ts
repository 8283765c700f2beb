import { keySlot } from '../../platform/keyspace/keySlot';
import { namespaceMatcher } from '../messaging/namespaceOfKey';
import type { HotkeysCursorState } from './hotkeysCursor';
import type { HotkeysParams } from './hotkeysRequest';
import { SpaceSaving } from './SpaceSaving';

/** z of a two-sided 95 % interval. */
const z95 = 1.96;

export interface HotKeyRow {
  /** The key as UTF-8 when it is valid UTF-8, else base64 (`keyEncoding`). */
  key: string;
  keyEncoding: 'utf8' | 'base64';
  node: string;
  slot: number;
  namespace: string | null;
  /** MONITOR path: hits in the sample, the Space-Saving over-count bound, and the key's share of the node's commands. */
  sampled: number | null;
  error: number | null;
  share: number | null;
  shareLow: number | null;
  shareHigh: number | null;
  /** share × the node's ops/s over the radar (INFO total_commands_processed); null when either is unknown. */
  opsPerSec: number | null;
  opsPerSecLow: number | null;
  opsPerSecHigh: number | null;
  /** Of the hits seen while the key was counted: reads and writes (COMMAND INFO flags). */
  reads: number | null;
  writes: number | null;
  /** LFU path: OBJECT FREQ (logarithmic counter, 0–255). */
  lfuFreq: number | null;
}

export interface HotFinding {
  code: 'hot_key' | 'hot_node';
  severity: 'warning';
  node: string;
  key?: string;
  message: string;
  evidence: Record<string, unknown>;
  advice: string[];
}

const pct = (x: number): string => `${(x * 100).toFixed(x < 0.1 ? 1 : 0)} %`;

function displayKey(latin1: string): { key: string; keyEncoding: 'utf8' | 'base64' } {
  const bytes = Buffer.from(latin1, 'latin1');
  const utf8 = bytes.toString('utf8');
  return Buffer.from(utf8, 'utf8').equals(bytes) ? { key: utf8, keyEncoding: 'utf8' } : { key: bytes.toString('base64'), keyEncoding: 'base64' };
}

function nodeOpsPerSec(s: HotkeysCursorState): number | null {
  if (!s.opsFirst || !s.opsLast || s.opsLast.at <= s.opsFirst.at) return null;
  return ((s.opsLast.total - s.opsFirst.total) * 1000) / (s.opsLast.at - s.opsFirst.at);
}

/**
 * The radar's report from its cursor rows: per node (method, windows, bytes, duty cycle achieved, ops/s, error
 * bound), the cluster-wide top keys (node, slot, namespace, share with its 95 % + Space-Saving bounds, ops/s, read/
 * write mix), hot slots (lower bound: from the top keys only), and `hot_key` / `hot_node` findings with advice.
 */
export function buildHotkeysReport(clusterId: string, params: HotkeysParams, states: readonly HotkeysCursorState[]) {
  const ns = namespaceMatcher(params.namespaces);
  const rows: HotKeyRow[] = [];
  const nodes = states.map((s) => {
    const ops = nodeOpsPerSec(s);
    const summary = SpaceSaving.from(s.summary);
    const n = s.commands;
    const lfuTop = s.lfu?.top ?? [];
    const sampledTop = summary.top(params.topK);
    for (const e of sampledTop) {
      const share = n > 0 ? e.count / n : 0;
      const se = n > 0 ? Math.sqrt((share * (1 - share)) / n) : 0;
      const low = n > 0 ? Math.max(0, (e.count - e.error) / n - z95 * se) : 0;
      const high = Math.min(1, share + z95 * se);
      const d = displayKey(e.key);
      rows.push({
        ...d, node: s.name, slot: keySlot(Buffer.from(e.key, 'latin1')), namespace: ns(d.key)?.namespace ?? null,
        sampled: e.count, error: e.error, share, shareLow: low, shareHigh: high,
        opsPerSec: ops === null ? null : share * ops, opsPerSecLow: ops === null ? null : low * ops, opsPerSecHigh: ops === null ? null : high * ops,
        reads: e.reads, writes: e.writes, lfuFreq: s.lfu?.top.find((t) => t.key === e.key)?.freq ?? null,
      });
    }
    if (s.lfu) {
      for (const t of lfuTop.slice(0, params.topK)) {
        if (sampledTop.some((e) => e.key === t.key)) continue;
        const d = displayKey(t.key);
        rows.push({ ...d, node: s.name, slot: keySlot(Buffer.from(t.key, 'latin1')), namespace: ns(d.key)?.namespace ?? null, sampled: null, error: null, share: null, shareLow: null, shareHigh: null, opsPerSec: null, opsPerSecLow: null, opsPerSecHigh: null, reads: null, writes: null, lfuFreq: t.freq });
      }
    }
    const lfuTop10 = lfuTop.slice(0, 10).map((t) => t.key);
    const monitorTop10 = sampledTop.slice(0, 10).map((e) => e.key);
    return {
      node: s.name, nodeId: s.nodeId, method: s.method, policy: s.policy, server: s.server,
      windows: s.windows, monitoredSeconds: s.monitoredMs / 1000, bytesRead: s.bytesRead, maxWindowBytes: s.maxWindowBytes, maxBytesPerWindow: params.maxBytesPerWindow,
      commands: n, reads: s.reads, writes: s.writes, opsPerSec: ops,
      errorBound: summary.errorBound, errorBoundShare: n > 0 ? summary.errorBound / n : null, counters: summary.size, capacity: summary.capacity,
      stops: s.stops, ...(s.lastError ? { lastError: s.lastError } : {}),
      ...(s.lfu ? { lfu: { scanned: s.lfu.scanned, complete: s.lfu.cursor === '0', crossCheck: s.windows > 0 ? { monitorTop10InLfuTop10: monitorTop10.filter((k) => lfuTop10.includes(k)).length, of: Math.min(10, monitorTop10.length) } : null } } : {}),
      ...(s.slotStats ? { slotStats: s.slotStats } : {}),
    };
  });
  const rank = (r: HotKeyRow): number => r.opsPerSec ?? (r.share !== null ? r.share * 1e9 : -1e9 + (r.lfuFreq ?? 0));
  rows.sort((a, b) => rank(b) - rank(a));
  const keys = rows.slice(0, params.topK);
  const slots = new Map<string, { slot: number; node: string; share: number; opsPerSec: number | null; keys: number }>();
  for (const r of rows) {
    if (r.share === null) continue;
    const id = `${r.node}/${r.slot}`;
    const slot = slots.get(id) ?? { slot: r.slot, node: r.node, share: 0, opsPerSec: r.opsPerSec === null ? null : 0, keys: 0 };
    slot.share += r.share;
    if (slot.opsPerSec !== null && r.opsPerSec !== null) slot.opsPerSec += r.opsPerSec;
    slot.keys += 1;
    slots.set(id, slot);
  }
  const hotSlots = [...slots.values()].sort((a, b) => b.share - a.share).slice(0, 10);
  return { clusterId, durationSeconds: params.durationSeconds, nodes, keys, hotSlots, findings: findings(rows, nodes, hotSlots, params), bounds: boundsText };
}

const boundsText =
  'share = sampled hits / commands MONITOR showed on the node; shareLow/High: 95 % binomial interval, the low end also minus the Space-Saving error (count − error ≤ true count ≤ count). ' +
  'opsPerSec = share × the node\'s commands/s over the radar (INFO total_commands_processed, which includes the radar\'s own INFO/PING, a few per second). ' +
  'A key outside a node\'s counters took at most errorBound hits (errorBoundShare of the node). hotSlots sum only the reported keys: a lower bound of the slot\'s load.';

function findings(rows: readonly HotKeyRow[], nodes: ReadonlyArray<{ node: string; opsPerSec: number | null; commands: number }>, hotSlots: ReadonlyArray<{ slot: number; node: string; share: number }>, params: HotkeysParams): HotFinding[] {
  const out: HotFinding[] = [];
  for (const r of rows) {
    if (r.share === null || r.share < params.hotKeyShare || out.length >= 20) continue;
    const hits = (r.reads ?? 0) + (r.writes ?? 0);
    const readShare = hits > 0 ? (r.reads ?? 0) / hits : null;
    const advice =
      readShare !== null && readShare >= 0.8
        ? ['Cache it in the clients (CLIENT TRACKING / RESP3 client-side caching, or a local copy with a short TTL)', 'Read it from replicas (READONLY on cluster replicas) where a slightly stale value is fine', 'Resharding does not help one key: its slot moves whole']
        : ['Split the key: shard it into N sub-keys (key:{0}..key:{N-1}) written round-robin and summed on read', 'Batch or coalesce the writes in the clients', 'Resharding does not help one key: its slot moves whole'];
    out.push({
      code: 'hot_key', severity: 'warning', node: r.node, key: r.key,
      message: `key '${r.key}' takes ${pct(r.share)} (${pct(r.shareLow ?? 0)}–${pct(r.shareHigh ?? 0)}) of node ${r.node}'s commands${r.opsPerSec !== null ? `, about ${Math.round(r.opsPerSec)} ops/s` : ''}${readShare !== null ? `, ${pct(readShare)} reads` : ''}`,
      evidence: { share: r.share, shareLow: r.shareLow, shareHigh: r.shareHigh, opsPerSec: r.opsPerSec, reads: r.reads, writes: r.writes, slot: r.slot },
      advice,
    });
  }
  const rates = nodes.map((n) => n.opsPerSec).filter((x): x is number => x !== null).sort((a, b) => a - b);
  if (rates.length >= 2) {
    const median = rates.length % 2 ? (rates[(rates.length - 1) / 2] as number) : ((rates[rates.length / 2 - 1] as number) + (rates[rates.length / 2] as number)) / 2;
    for (const n of nodes) {
      if (n.opsPerSec === null || n.opsPerSec < 1000 || n.opsPerSec < 1.5 * median) continue;
      const slots = hotSlots.filter((s) => s.node === n.node).map((s) => s.slot);
      out.push({
        code: 'hot_node', severity: 'warning', node: n.node,
        message: `node ${n.node} serves ${Math.round(n.opsPerSec)} ops/s, ${(n.opsPerSec / Math.max(1, median)).toFixed(1)}× the median master (${Math.round(median)} ops/s)`,
        evidence: { opsPerSec: n.opsPerSec, medianOpsPerSec: median, hottestSlots: slots },
        advice: [
          slots.length > 0 ? `Move its hottest slots (${slots.slice(0, 5).join(', ')}) to a cooler master: POST /api/clusters/{id}/slots/reshard` : 'Move some of its slots to a cooler master: POST /api/clusters/{id}/slots/reshard',
          'If one key dominates (see hot_key), resharding moves the problem with it: split or cache the key instead',
        ],
      });
    }
  }
  return out;
}

export type HotkeysReport = ReturnType<typeof buildHotkeysReport>;

/** What the job row keeps (the full report is rebuilt from the cursors by GET …/hotkeys/{jobId}). */
export function compactReport(report: HotkeysReport): Record<string, unknown> {
  return {
    nodes: report.nodes.map((n) => ({ node: n.node, method: n.method, windows: n.windows, bytesRead: n.bytesRead, maxWindowBytes: n.maxWindowBytes, commands: n.commands, opsPerSec: n.opsPerSec, errorBound: n.errorBound })),
    keys: report.keys.slice(0, 10).map((k) => ({ key: k.key.slice(0, 200), keyEncoding: k.keyEncoding, node: k.node, slot: k.slot, share: k.share, opsPerSec: k.opsPerSec, lfuFreq: k.lfuFreq })),
    findings: report.findings.map((f) => ({ code: f.code, node: f.node, message: f.message.slice(0, 500) })),
  };
}

import type { NodeReading } from '../collection/NodeReading';
import type { NodeSample } from '../collection/NodeSample';
import type { MetricFamily } from './Exposition';
import { exporterFamilies as x, rcmFamilies as r } from './prometheusFamilies';
import type { ScrapeStream } from './scrapeStreams';

/**
 * One value of a node in the scrape row: its family, extra labels, and how the tick reads it. Append-only in spirit
 * (rows are rewritten every tick, so reordering only costs one tick of gaps).
 */
interface ScrapeColumn {
  family: MetricFamily;
  read(s: NodeSample, r: NodeReading): number | null | undefined;
  labels?: Readonly<Record<string, string>>;
}

const seconds = (ms: number | null) => (ms === null ? null : ms / 1000);
const flag = (b: boolean | null) => (b === null ? null : b ? 1 : 0);
const master = (r: NodeReading, v: number | null | undefined) => (r.role === 'master' ? v : null);

/** What a scrape prints per reachable node, in row order (`redis_up` and the per-db and master-link series aside). */
export const scrapeColumns: readonly ScrapeColumn[] = [
  { family: x.uptime, read: (s) => s.uptimeSeconds },
  { family: x.connectedClients, read: (s) => s.clients },
  { family: x.blockedClients, read: (s) => s.blockedClients },
  { family: x.memoryUsed, read: (s) => s.usedMemory },
  { family: x.memoryRss, read: (s) => s.rss },
  { family: x.memoryMax, read: (s) => s.maxmemory },
  { family: x.fragmentation, read: (s) => s.fragmentation },
  { family: x.connectedSlaves, read: (s, rd) => master(rd, s.replicas.length) },
  { family: x.masterReplOffset, read: (s, rd) => master(rd, s.replOffset) },
  { family: x.slowlogLength, read: (s) => s.slowlogLength },
  { family: x.commandsProcessed, read: (s) => s.counters?.commands },
  { family: x.connectionsReceived, read: (s) => s.counters?.connectionsReceived },
  { family: x.rejectedConnections, read: (s) => s.counters?.rejectedConnections },
  { family: x.netInput, read: (s) => s.counters?.netIn },
  { family: x.netOutput, read: (s) => s.counters?.netOut },
  { family: x.keyspaceHits, read: (s) => s.counters?.hits },
  { family: x.keyspaceMisses, read: (s) => s.counters?.misses },
  { family: x.evictedKeys, read: (s) => s.counters?.evicted },
  { family: x.expiredKeys, read: (s) => s.counters?.expired },
  { family: r.rtt, read: (_s, rd) => seconds(rd.rttMs) },
  { family: r.opsPerSecond, read: (_s, rd) => rd.opsPerSec },
  { family: r.hitRatio, read: (_s, rd) => rd.hitRatio },
  { family: r.evictionsPerSecond, read: (_s, rd) => rd.evictionsPerSec },
  { family: r.expirationsPerSecond, read: (_s, rd) => rd.expirationsPerSec },
  { family: r.netInPerSecond, read: (_s, rd) => rd.netInBytesPerSec },
  { family: r.netOutPerSecond, read: (_s, rd) => rd.netOutBytesPerSec },
  { family: r.memoryUsedRatio, read: (_s, rd) => rd.memoryUsedRatio },
  { family: r.replicationLagBytes, read: (_s, rd) => rd.replicationLagBytes },
  { family: r.replicationLagSeconds, read: (_s, rd) => rd.replicationLagSeconds },
  { family: r.liveReplicas, read: (_s, rd) => rd.liveReplicas },
  { family: r.clusterStateOk, read: (_s, rd) => flag(rd.clusterStateOk) },
  { family: r.clusterSlots, labels: { state: 'ok' }, read: (_s, rd) => rd.slotsOk },
  { family: r.clusterSlots, labels: { state: 'pfail' }, read: (_s, rd) => rd.slotsPfail },
  { family: r.clusterSlots, labels: { state: 'fail' }, read: (_s, rd) => rd.slotsFail },
  { family: r.latencySpike, read: (_s, rd) => seconds(rd.latencyEventMs) },
  { family: r.slowlogGrowth, read: (_s, rd) => rd.slowlogNew },
];

/** A node in the scrape row: address, place, and the values of `scrapeColumns` (null = unknown). */
export interface ScrapeNode {
  node: string;
  role: 'master' | 'replica';
  shard: string;
  up: 0 | 1;
  /** Replicas: `host:port` of the master (`redis_master_link_up`'s labels) and whether the link is up. */
  master?: { at: string; linkUp: 0 | 1 | null };
  /** `[db, keys, expires]` per database in INFO keyspace. */
  dbs?: [string, number, number][];
  values?: (number | null)[];
  /** Masters with messaging discovery: the busiest streams (`scrapeStreams`). */
  streams?: ScrapeStream[];
}

/** What the tick stores for scrapes: about 400 bytes a node, instead of the full state the next tick needs. */
export interface ScrapeRow {
  at: number;
  nodes: ScrapeNode[];
}

/** The scrape row of one tick (pure). */
export function toScrapeRow(at: number, samples: readonly NodeSample[], readings: readonly NodeReading[], streams?: ReadonlyMap<string, ScrapeStream[]>): ScrapeRow {
  const bySample = new Map(samples.map((s) => [s.node, s]));
  return {
    at,
    nodes: readings.map((rd): ScrapeNode => {
      const s = bySample.get(rd.node);
      const node: ScrapeNode = { node: rd.node, role: rd.role, shard: rd.shard, up: rd.reachable ? 1 : 0 };
      if (!rd.reachable || !s) return node;
      node.values = scrapeColumns.map((c) => c.read(s, rd) ?? null);
      node.dbs = (s.databases ?? []).map((d): [string, number, number] => [d.db, d.keys, d.expires]);
      if (rd.role === 'replica' && s.master) node.master = { at: s.master, linkUp: flag(s.masterLinkUp) as 0 | 1 | null };
      const nodeStreams = streams?.get(rd.node);
      if (nodeStreams?.length) node.streams = nodeStreams;
      return node;
    }),
  };
}

import type { ClusterMessaging } from '../messaging/MessagingSnapshot';

/** Streams per node a scrape row carries (busiest first): bounds the row (~150 bytes a stream) and the series. */
export const maxScrapeStreams = 200;

/** `[consumer, pending, idle ms]`. */
export type ScrapeConsumer = [string, number, number];
/** `[group, consumers, pending, last-delivered id's ms, lag | null, entries-read | null, consumers]`. */
export type ScrapeGroup = [string, number, number, number, number | null, number | null, ScrapeConsumer[]];
/** `[key, length, last-generated id's ms, groups]`. */
export type ScrapeStream = [string, number, number, ScrapeGroup[]];

const ms = (id: string): number => Number(id.split('-')[0] ?? 0);

/**
 * The stream part of the scrape rows, by node: what `redis_exporter --check-streams` exports (length, groups,
 * consumers, pending, ids as their millisecond part, consumer idle) plus Redis 7 `lag` and `entries-read`.
 */
export function scrapeStreams(snapshot: ClusterMessaging | null | undefined): Map<string, ScrapeStream[]> {
  const byNode = new Map<string, ScrapeStream[]>();
  for (const n of snapshot?.nodes ?? []) {
    const busiest = [...n.streams].sort((a, b) => b.groups.reduce((s, g) => s + g.pending, 0) - a.groups.reduce((s, g) => s + g.pending, 0) || b.length - a.length).slice(0, maxScrapeStreams);
    byNode.set(
      n.node,
      busiest.map((s): ScrapeStream => [s.key, s.length, ms(s.lastId), s.groups.map((g): ScrapeGroup => [g.name, g.consumerCount, g.pending, ms(g.lastDeliveredId), g.lag, g.entriesRead, g.consumers.map((c): ScrapeConsumer => [c.name, c.pending, c.idleMs])])]),
    );
  }
  return byNode;
}

import type { Redis } from 'ioredis';
import type { StreamConsumer, StreamGroup, StreamInfo } from './MessagingSnapshot';
import { keyBytes, numberField, replyFields } from './replyFields';

/** Consumers kept per group in the snapshot (idle ones with pending entries first). */
export const maxConsumersPerGroup = 50;

export interface StreamReads {
  streams: StreamInfo[];
  /** Keys that are gone or no longer streams. */
  gone: string[];
  commands: number;
}

/**
 * Reads a batch of streams of one node in two pipelines: `XINFO STREAM` + `XINFO GROUPS` + `MEMORY USAGE` per stream,
 * then per group `XINFO CONSUMERS` and, when it has pending entries, `XPENDING key group - + 1` (the lowest pending
 * id with its idle time). `previous` carries last tick's values, from which growth and the lag streak are derived.
 */
export async function readStreams(node: Redis, keys: readonly string[], previous: ReadonlyMap<string, StreamInfo>, namespaceOf: (key: string) => string | null): Promise<StreamReads> {
  const first = node.pipeline();
  for (const key of keys) {
    const k = keyBytes(key);
    first.call('XINFO', 'STREAM', k).call('XINFO', 'GROUPS', k).call('MEMORY', 'USAGE', k);
  }
  const replies = (await first.exec()) ?? [];
  let commands = keys.length * 3;
  const gone: string[] = [];
  const found: { key: string; info: Map<string, unknown>; groups: Map<string, unknown>[]; memory: number | null }[] = [];
  keys.forEach((key, i) => {
    const [infoError, info] = replies[i * 3] ?? [null, null];
    const [, groups] = replies[i * 3 + 1] ?? [null, null];
    const [, memory] = replies[i * 3 + 2] ?? [null, null];
    // "no such key" or WRONGTYPE: deleted, expired or reused for another type since it was found.
    if (infoError || !Array.isArray(info)) return void gone.push(key);
    found.push({ key, info: replyFields(info), groups: Array.isArray(groups) ? groups.map(replyFields) : [], memory: memory === null || memory === undefined ? null : Number(memory) });
  });
  const second = node.pipeline();
  for (const s of found) {
    const k = keyBytes(s.key);
    for (const g of s.groups) {
      const group = String(g.get('name'));
      second.call('XINFO', 'CONSUMERS', k, group);
      commands += 1;
      if ((numberField(g, 'pending') ?? 0) > 0) {
        second.call('XPENDING', k, group, '-', '+', 1);
        commands += 1;
      }
    }
  }
  const groupReplies = commands > keys.length * 3 ? ((await second.exec()) ?? []) : [];
  let r = 0;
  const streams = found.map(({ key, info, groups, memory }): StreamInfo => {
    const before = previous.get(key);
    const length = numberField(info, 'length') ?? 0;
    const entriesAdded = numberField(info, 'entries-added');
    const firstEntry = info.get('first-entry');
    const parsedGroups = groups.map((g): StreamGroup => {
      const name = String(g.get('name'));
      const pending = numberField(g, 'pending') ?? 0;
      const consumersReply = groupReplies[r++]?.[1];
      const oldest = pending > 0 ? (groupReplies[r++]?.[1] as unknown[] | undefined)?.[0] : undefined;
      const consumers = (Array.isArray(consumersReply) ? consumersReply.map(replyFields) : []).map((c): StreamConsumer => ({ name: String(c.get('name')), pending: numberField(c, 'pending') ?? 0, idleMs: numberField(c, 'idle') ?? 0 }));
      const lag = numberField(g, 'lag');
      const lagBefore = before?.groups.find((b) => b.name === name);
      return {
        name,
        consumers: consumers.sort((a, b) => Number(b.pending > 0) - Number(a.pending > 0) || b.idleMs - a.idleMs).slice(0, maxConsumersPerGroup),
        consumerCount: numberField(g, 'consumers') ?? consumers.length,
        pending,
        lastDeliveredId: String(g.get('last-delivered-id') ?? '0-0'),
        entriesRead: numberField(g, 'entries-read'),
        lag,
        oldestPendingId: Array.isArray(oldest) ? String(oldest[0]) : null,
        oldestPendingConsumer: Array.isArray(oldest) ? String(oldest[1]) : null,
        oldestPendingIdleMs: Array.isArray(oldest) ? Number(oldest[2]) : null,
        lagGrowthIntervals: lagStreak(lagBefore, lag),
      };
    });
    return {
      key,
      namespace: namespaceOf(key),
      length,
      memoryBytes: memory,
      firstId: Array.isArray(firstEntry) ? String(firstEntry[0]) : null,
      lastId: String(info.get('last-generated-id') ?? '0-0'),
      entriesAdded,
      capped: entriesAdded !== null && entriesAdded > length,
      addedSinceLast: before?.entriesAdded != null && entriesAdded !== null ? Math.max(0, entriesAdded - before.entriesAdded) : null,
      groups: parsedGroups,
    };
  });
  return { streams, gone, commands };
}

/** Grew → one more interval; shrank or caught up → 0; unchanged or unknown → kept (hysteresis). */
function lagStreak(before: StreamGroup | undefined, lag: number | null): number {
  if (!before || lag === null || before.lag === null) return before?.lagGrowthIntervals ?? 0;
  if (lag === 0 || lag < before.lag) return 0;
  return lag > before.lag ? before.lagGrowthIntervals + 1 : before.lagGrowthIntervals;
}

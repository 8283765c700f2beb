import type { Cluster, Redis } from 'ioredis';

/** The id right after `id` (`ms-seq` → `ms-(seq+1)`): the first id a group has not been delivered yet. */
export function nextStreamId(id: string): string {
  const [ms = '0', seq = '0'] = id.split('-');
  return `${ms}-${(BigInt(seq) + 1n).toString()}`;
}

/** `a < b` for stream ids. */
export function idBefore(a: string, b: string): boolean {
  const [am = '0', as = '0'] = a.split('-');
  const [bm = '0', bs = '0'] = b.split('-');
  return BigInt(am) < BigInt(bm) || (BigInt(am) === BigInt(bm) && BigInt(as) < BigInt(bs));
}

/**
 * The lowest id any consumer group still needs: per group its oldest pending entry (delivered, not acknowledged)
 * or else the first entry not delivered to it yet. Entries below it are safe to trim; null without groups.
 */
export async function groupsBound(client: Redis | Cluster, key: Buffer): Promise<{ id: string; group: string } | null> {
  const groups = (await client.call('XINFO', 'GROUPS', key)) as unknown[][];
  let bound: { id: string; group: string } | null = null;
  for (const raw of groups) {
    const g = new Map<string, unknown>();
    for (let i = 0; i + 1 < raw.length; i += 2) g.set(String(raw[i]), raw[i + 1]);
    const name = String(g.get('name'));
    let needed = nextStreamId(String(g.get('last-delivered-id') ?? '0-0'));
    if (Number(g.get('pending') ?? 0) > 0) {
      const summary = (await client.call('XPENDING', key, name)) as [number, string | null, string | null, unknown];
      if (summary[1] && idBefore(summary[1], needed)) needed = summary[1];
    }
    if (!bound || idBefore(needed, bound.id)) bound = { id: needed, group: name };
  }
  return bound;
}

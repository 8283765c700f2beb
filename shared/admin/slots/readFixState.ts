import type { Redis } from 'ioredis';
import type { RedisConnection } from '../../platform/redis/RedisConnectionManager';
import type { NodeAddress } from '../../platform/redis/RedisTarget';
import { DomainError } from '../../platform/store/DomainError';
import { collectSnapshot } from '../../platform/topology/collectSnapshot';
import { isReplica, type ClusterNodeEntry } from '../../platform/topology/parseClusterNodes';
import { CLUSTER_SLOTS } from '../../platform/topology/slotRanges';
import { slotViews, type SlotView } from './slotViews';

/** A reachable master as fix sees it: its own view, and the keys it holds in the slots fix looks at. */
export interface FixMaster {
  id: string;
  address: NodeAddress;
  addressKey: string;
  configEpoch: number;
  /** Slots it claims in its own view. */
  owns: Set<number>;
  migrating: Map<number, string>;
  importing: Map<number, string>;
  /** Owner id of every slot in its view (undefined = unassigned). */
  viewOwner: (string | undefined)[];
  /** CLUSTER COUNTKEYSINSLOT of every slot of interest. */
  keys: Map<number, number>;
}

/** A master that owns slots in some reachable node's view but cannot be reached or is flagged failed. */
export interface DownMaster {
  id: string;
  addressKey: string;
  /** `fail`, `pfail`, `noaddr`, or the reason it did not answer (`connection`, `timeout`, `loading`…). */
  reason: string;
  slots: number[];
  /** Its replicas as the cluster lists them, and whether the control plane reached them. */
  replicas: { id: string; addressKey: string; reachable: boolean; address: NodeAddress }[];
}

/** Everything fix decides from, read in one pass. */
export interface FixState {
  masters: FixMaster[];
  down: DownMaster[];
  /** Slots with something to look at (open, uncovered, claimed twice, keys outside their owner, views disagreeing). */
  slotsOfInterest: number[];
}

/**
 * Reads every node's own view (`collectSnapshot`, redis-cli's way), finds the slots with a problem, and counts keys in
 * those slots on every reachable master (CLUSTER COUNTKEYSINSLOT, one pipeline per master). Unlike the layout a
 * reshard reads, this never refuses: down masters are part of the state (fix decides what they mean).
 */
export async function readFixState(connection: RedisConnection): Promise<FixState> {
  const snapshot = await collectSnapshot(connection, { searchKeysInUnownedSlots: true });
  if (snapshot.mode !== 'cluster') throw new DomainError('conflict', 'cluster_not_ready', 'the cache is not a Redis Cluster: there are no slots to fix');
  const masters: FixMaster[] = [];
  const stray = new Set<number>();
  for (const view of slotViews(snapshot).filter((v) => v.role === 'master')) {
    masters.push(toMaster(view));
    for (const { slot } of view.snapshot.keysInUnownedSlots ?? []) stray.add(slot);
  }
  const reachable = new Set(masters.map((m) => m.id));
  const entries = new Map<string, ClusterNodeEntry>();
  for (const node of snapshot.nodes) for (const e of node.view ?? []) if (!entries.has(e.id) || e.flags.includes('myself')) entries.set(e.id, e);
  const down: DownMaster[] = [];
  for (const entry of entries.values()) {
    if (reachable.has(entry.id) || isReplica(entry)) continue;
    const slots = new Set<number>();
    for (const m of masters) m.viewOwner.forEach((owner, slot) => owner === entry.id && slots.add(slot));
    if (slots.size === 0) continue;
    const node = snapshot.nodes.find((n) => n.id === entry.id);
    const reason = entry.flags.find((f) => f === 'fail' || f === 'fail?' || f === 'noaddr') ?? node?.failure ?? 'unreachable';
    const replicas = [...entries.values()].filter((e) => e.masterId === entry.id).map((e) => ({ id: e.id, addressKey: `${e.host}:${e.port}`, address: { host: e.host, port: e.port }, reachable: snapshot.nodes.some((n) => n.id === e.id && n.reachable) }));
    down.push({ id: entry.id, addressKey: `${entry.host}:${entry.port}`, reason: reason === 'fail?' ? 'pfail' : reason, slots: [...slots].sort((a, b) => a - b), replicas });
  }
  const interest = slotsOfInterest(masters, stray);
  await Promise.all(masters.map(async (m) => countKeys(await connection.node(m.address), m, interest)));
  return { masters, down, slotsOfInterest: interest };
}

function toMaster({ self, address, addressKey, owner }: SlotView): FixMaster {
  const owns = new Set<number>();
  for (const [a, b] of self.slots) for (let s = a; s <= b; s++) owns.add(s);
  return {
    id: self.id,
    address,
    addressKey,
    configEpoch: self.configEpoch,
    owns,
    migrating: new Map(self.migrating.map((m) => [m.slot, m.to])),
    importing: new Map(self.importing.map((m) => [m.slot, m.from])),
    viewOwner: owner,
    keys: new Map(),
  };
}

/** Open, uncovered, claimed-twice, stray-key slots, and slots some master's view gives to another node than its claimant. */
function slotsOfInterest(masters: FixMaster[], stray: Set<number>): number[] {
  const claims = new Uint8Array(CLUSTER_SLOTS);
  const claimant = new Array<string | undefined>(CLUSTER_SLOTS);
  for (const m of masters) {
    for (const s of m.owns) {
      claims[s] = (claims[s] ?? 0) + 1;
      claimant[s] = m.id;
    }
  }
  const slots = new Set<number>(stray);
  for (const m of masters) for (const s of [...m.migrating.keys(), ...m.importing.keys()]) slots.add(s);
  for (let s = 0; s < CLUSTER_SLOTS; s++) {
    if (claims[s] !== 1) slots.add(s);
    else if (masters.some((m) => m.viewOwner[s] !== claimant[s])) slots.add(s);
  }
  return [...slots].sort((a, b) => a - b);
}

async function countKeys(redis: Redis, master: FixMaster, slots: number[]): Promise<void> {
  for (let i = 0; i < slots.length; i += 5000) {
    const chunk = slots.slice(i, i + 5000);
    const pipeline = redis.pipeline();
    for (const s of chunk) pipeline.call('CLUSTER', 'COUNTKEYSINSLOT', String(s));
    const replies = (await pipeline.exec()) ?? [];
    replies.forEach(([error, value], j) => {
      if (error) throw error;
      master.keys.set(chunk[j] as number, Number(value));
    });
  }
}

/**
 * Keys each down master holds in its slots, counted on a reachable replica of it (CLUSTER COUNTKEYSINSLOT answers
 * on replicas: they hold the same keys, up to replication lag); null when no replica answers.
 */
export async function countKeysAtRisk(connection: RedisConnection, down: DownMaster[]): Promise<Map<string, number | null>> {
  const out = new Map<string, number | null>();
  await Promise.all(
    down.map(async (d) => {
      out.set(d.id, null);
      for (const replica of d.replicas.filter((r) => r.reachable)) {
        try {
          const redis = await connection.node(replica.address);
          const pipeline = redis.pipeline();
          for (const s of d.slots) pipeline.call('CLUSTER', 'COUNTKEYSINSLOT', String(s));
          const replies = (await pipeline.exec()) ?? [];
          out.set(d.id, replies.reduce((n, [error, value]) => n + (error ? 0 : Number(value)), 0));
          return;
        } catch {
          // Try the next replica; none answering leaves the count unknown.
        }
      }
    }),
  );
  return out;
}

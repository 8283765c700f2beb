import type { TopologySnapshot } from '../../platform/topology/collectSnapshot';
import { CLUSTER_SLOTS, countSlots, formatRanges, toRanges } from '../../platform/topology/slotRanges';
import type { HealthFinding } from './HealthFinding';
import { configSignature, redisCliLoadedNodes, type LoadedNode } from './redisCliView';

type ClusterSnapshot = Extract<TopologySnapshot, { mode: 'cluster' }>;

/**
 * The checks of `redis-cli --cluster check` (`clusterManagerCheckCluster`), on the same nodes it would load:
 * slot configuration agreement ([ERR]), open slots per node ([WARNING]), 16384-slot coverage ([ERR]),
 * slots with several owners ([WARNING], its `--cluster-search-multiple-owners`), replicas of unknown masters.
 */
export function checkRedisCliParity(snapshot: ClusterSnapshot): HealthFinding[] {
  const loaded = redisCliLoadedNodes(snapshot);
  const addressOf = (id: string): string => {
    const e = snapshot.reference.view?.find((n) => n.id === id);
    return e ? `${e.host}:${e.port}` : id;
  };
  return [
    ...agreement(loaded),
    ...openSlots(loaded, addressOf),
    ...coverage(loaded, snapshot),
    ...multipleOwners(loaded),
    ...unknownMasters(loaded),
  ];
}

function agreement(loaded: LoadedNode[]): HealthFinding[] {
  const groups = new Map<string, string[]>();
  for (const node of loaded) {
    const signature = configSignature(node.view);
    groups.set(signature, [...(groups.get(signature) ?? []), node.address]);
  }
  if (groups.size <= 1) return [];
  // Evidence: for each node id whose slots differ between views, which view says what.
  const claims = new Map<string, Map<string, string[]>>();
  for (const node of loaded) {
    for (const entry of node.view.filter((e) => e.slotTokens.length > 0)) {
      const slots = formatRanges(entry.slots);
      const byNode = claims.get(entry.id) ?? new Map<string, string[]>();
      byNode.set(slots, [...(byNode.get(slots) ?? []), node.address]);
      claims.set(entry.id, byNode);
    }
  }
  const disputed = [...claims]
    .filter(([, views]) => views.size > 1 || [...views.values()][0]?.length !== loaded.length)
    .map(([nodeId, views]) => ({ nodeId, views: [...views].map(([slots, seenBy]) => ({ slots, seenBy })) }));
  return [
    {
      code: 'config_disagreement',
      severity: 'error',
      message: `Nodes don't agree about the slot configuration (${groups.size} different views)`,
      evidence: { views: [...groups.values()].map((nodes) => ({ nodes })), disputed },
      fix: 'Usually transient while gossip converges (re-check after a few cluster-node-timeouts). If it persists, find the node with the stale view (lower config epoch) and run `redis-cli --cluster fix <host:port>`, or CLUSTER SETSLOT <slot> NODE <owner-id> on the disagreeing masters.',
      redisCli: true,
    },
  ];
}

function openSlots(loaded: LoadedNode[], addressOf: (id: string) => string): HealthFinding[] {
  const findings: HealthFinding[] = [];
  for (const node of loaded) {
    const { migrating, importing } = node.self;
    if (migrating.length > 0) {
      const slots = migrating.map((m) => ({ slot: m.slot, to: m.to, toAddress: addressOf(m.to) }));
      findings.push({
        code: 'slot_migrating',
        severity: 'warning',
        message: `Node ${node.address} has slots in migrating state ${migrating.map((m) => m.slot).join(',')}`,
        evidence: { node: node.address, nodeId: node.self.id, slots },
        fix: `Finish or abort the migration: move the remaining keys (MIGRATE) and run CLUSTER SETSLOT <slot> NODE <target-id> on all masters, or CLUSTER SETSLOT <slot> STABLE on ${node.address} and on the importing node; \`redis-cli --cluster fix ${node.address}\` handles the common cases.`,
        redisCli: true,
      });
    }
    if (importing.length > 0) {
      const slots = importing.map((m) => ({ slot: m.slot, from: m.from, fromAddress: addressOf(m.from) }));
      findings.push({
        code: 'slot_importing',
        severity: 'warning',
        message: `Node ${node.address} has slots in importing state ${importing.map((m) => m.slot).join(',')}`,
        evidence: { node: node.address, nodeId: node.self.id, slots },
        fix: `Finish the migration on the source node, or run CLUSTER SETSLOT <slot> STABLE on ${node.address} if it was abandoned (\`redis-cli --cluster fix\` does this when no keys were moved).`,
        redisCli: true,
      });
    }
  }
  return findings;
}

function coverage(loaded: LoadedNode[], snapshot: ClusterSnapshot): HealthFinding[] {
  const covered = new Uint8Array(CLUSTER_SLOTS);
  for (const node of loaded) for (const [a, b] of node.self.slots) covered.fill(1, a, b + 1);
  const uncovered: number[] = [];
  covered.forEach((c, slot) => {
    if (!c) uncovered.push(slot);
  });
  if (uncovered.length === 0) return [];
  // Who the entry node thinks owns each uncovered slot: nobody (deleted) or a node redis-cli could not load.
  const owners = new Map<string, number[]>();
  const referenceView = snapshot.reference.view ?? [];
  for (const slot of uncovered) {
    const owner = referenceView.find((e) => e.slots.some(([a, b]) => slot >= a && slot <= b));
    const key = owner ? `${owner.id} ${owner.host}:${owner.port} ${owner.flags.join(',')}` : '';
    owners.set(key, [...(owners.get(key) ?? []), slot]);
  }
  const byOwner = [...owners].map(([key, slots]) => {
    const [id, address, flags] = key.split(' ');
    return { owner: key === '' ? null : { id, address, flags: flags?.split(',') ?? [] }, slots: formatRanges(toRanges(slots)) };
  });
  const unassigned = owners.has('');
  return [
    {
      code: 'slots_not_covered',
      severity: 'error',
      message: `Not all ${CLUSTER_SLOTS} slots are covered by nodes (${uncovered.length} uncovered)`,
      evidence: { uncoveredCount: uncovered.length, coveredCount: CLUSTER_SLOTS - uncovered.length, uncovered: formatRanges(toRanges(uncovered)), byOwner },
      fix: unassigned
        ? 'Assign the unowned slots: CLUSTER ADDSLOTSRANGE <start> <end> on the master that should own them (it must hold their keys, if any), or `redis-cli --cluster fix <host:port>`.'
        : 'The owning master is down and was not replaced: restart it, or promote one of its replicas with CLUSTER FAILOVER FORCE (TAKEOVER if the majority is gone). Do not run `redis-cli --cluster fix` while it is only unreachable: it would reassign its slots and lose its data.',
      redisCli: true,
    },
  ];
}

/**
 * redis-cli's `--cluster-search-multiple-owners`: a slot's owners are the masters that claim it in their own view
 * plus the masters holding keys in it (`CLUSTER COUNTKEYSINSLOT`), so a key left behind by an abandoned migration
 * makes a second owner even though only one node claims the slot.
 */
function multipleOwners(loaded: LoadedNode[]): HealthFinding[] {
  const claims = new Map<number, string[]>();
  const keysIn = new Map<number, { node: string; keys: number }[]>();
  const add = (slot: number, address: string): void => {
    const owners = claims.get(slot) ?? [];
    if (!owners.includes(address)) claims.set(slot, [...owners, address]);
  };
  for (const node of loaded.filter((n) => !n.self.flags.includes('slave'))) {
    for (const [a, b] of node.self.slots) for (let s = a; s <= b; s++) add(s, node.address);
    for (const { slot, keys } of node.snapshot.keysInUnownedSlots ?? []) {
      add(slot, node.address);
      keysIn.set(slot, [...(keysIn.get(slot) ?? []), { node: node.address, keys }]);
    }
  }
  const contested = new Map<string, number[]>();
  for (const [slot, owners] of claims) if (owners.length > 1) contested.set(owners.join(' '), [...(contested.get(owners.join(' ')) ?? []), slot]);
  return [...contested].map(([owners, slots]) => {
    const ranges = toRanges(slots);
    const strayKeys = slots.flatMap((slot) => (keysIn.get(slot) ?? []).map((k) => ({ slot, ...k })));
    return {
      code: 'slot_multiple_owners' as const,
      severity: 'warning' as const,
      message: `${countSlots(ranges)} slot(s) (${formatRanges(ranges)}) are claimed by or hold keys on ${owners.split(' ').length} masters`,
      evidence: { slots: formatRanges(ranges), owners: owners.split(' '), ...(strayKeys.length > 0 ? { keysInUnownedSlots: strayKeys.slice(0, 100) } : {}) },
      fix: strayKeys.length > 0
        ? 'Keys sit in a slot their node does not own (an abandoned migration): move them to the owner (CLUSTER SETSLOT <slot> IMPORTING/MIGRATING, MIGRATE, SETSLOT NODE), or run POST /api/clusters/{id}/slots/fix.'
        : 'Pick the owner (the master with the keys), run CLUSTER DELSLOTS on the others and CLUSTER SETSLOT <slot> NODE <owner-id> everywhere, moving keys first if both hold some; `redis-cli --cluster fix --cluster-search-multiple-owners` automates it.',
      redisCli: true,
    };
  });
}

function unknownMasters(loaded: LoadedNode[]): HealthFinding[] {
  const ids = new Set(loaded.map((n) => n.self.id));
  return loaded
    .filter((n) => n.self.masterId !== undefined && !ids.has(n.self.masterId))
    .map((n) => ({
      code: 'replica_of_unknown_master' as const,
      severity: 'warning' as const,
      message: `${n.address} claims to be a replica of node ${n.self.masterId ?? ''}, which is failed or unreachable`,
      evidence: { replica: n.address, replicaId: n.self.id, masterId: n.self.masterId },
      fix: 'If its master is gone for good and the replica did not take over (replica-no-failover, or no majority), promote it with CLUSTER FAILOVER FORCE (or TAKEOVER); otherwise restart the master.',
      redisCli: true,
    }));
}

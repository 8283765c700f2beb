import { Cluster } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addNodeRoutes, removeNodeRoutes } from '../../shared/admin/slots/nodeRoutes';
import { rebalanceRoutes } from '../../shared/admin/slots/rebalanceRoutes';
import { reshardRoutes } from '../../shared/admin/slots/slotRoutes';
import type { ControlPlane } from '../../shared/platform/controlPlane';
import { jobRuntime } from '../../shared/platform/jobs/jobRuntime';
import { forgetNode } from '../../shared/admin/slots/forgetNode';
import { redisConnections, withRedis } from '../../shared/platform/redis/redisConnections';
import { redisText, type RedisProcess } from '../../tools/local/index';
import { callRoutes, testControlPlane } from '../controlplane/api';
import { useOwnCluster } from '../helpers/redis';
import { azuriteConnectionString } from '../helpers/storage';
import { addEmptyMaster, fill, fingerprint, nodesListing, openSlots, register, runToEnd, spawnLoneNode } from './slotTestbed';

// redis-cli refuses to move slots while the nodes disagree about the slot map, slots are open or uncovered
// (clusterManagerCheckCluster). Every slot-moving request (dry run included) and every chunk of a slot job compare
// every master's and replica's own view first; a job's own half-moved slots are its work, not a reason to stop.
// One 3-master cluster with a replica each (registered by its first master only, so nodes may be removed).
const own = useOwnCluster({ masters: 3, replicasPerMaster: 1 });
let cp: ControlPlane;
const ids = new Map<RedisProcess, string>();
let empty: { node: RedisProcess; id: string } | undefined;
let lone: { node: RedisProcess; id: string } | undefined;
let spare: { node: RedisProcess; id: string } | undefined;
const KEYS = 10_000;

const cli = (n: RedisProcess, ...args: string[]): Promise<string> => redisText(n.host, n.port, args);
const master = (i: number): RedisProcess => own.cluster.masters[i] as RedisProcess;
const id = (n: RedisProcess): string => ids.get(n) as string;
const addr = (n: RedisProcess): string => `${n.host}:${n.port}`;
/** The slots a master claims in its own view, in order. */
const ownSlots = async (n: RedisProcess): Promise<number[]> => {
  const self = (await cli(n, 'CLUSTER', 'NODES')).split('\n').find((l) => l.includes('myself')) ?? '';
  return self.split(' ').slice(8).filter((t) => /^\d+(-\d+)?$/.test(t)).flatMap((t) => {
    const [a, b] = t.split('-').map(Number) as [number, number?];
    return Array.from({ length: (b ?? a) - a + 1 }, (_, i) => a + i);
  });
};
const keysIn = async (n: RedisProcess, slot: number): Promise<number> => Number(await cli(n, 'CLUSTER', 'COUNTKEYSINSLOT', String(slot)));
/** Every node's owner of `slot` (its own CLUSTER NODES). */
const ownersOf = async (slot: number): Promise<string[]> =>
  Promise.all(
    own.cluster.nodes.map(async (n) => {
      const line = (await cli(n, 'CLUSTER', 'NODES')).split('\n').find((l) => !l.includes('slave') && l.split(' ').slice(8).some((t) => { const [a, b] = t.split('-').map(Number); return /^\d/.test(t) && slot >= (a as number) && slot <= (b ?? a as number); }));
      return line?.split(' ')[0] ?? 'nobody';
    }),
  );
/** Masters' CLUSTER NODES without the ping/pong columns: equal before and after means nothing moved. */
const layout = async (): Promise<string[]> => (await Promise.all(own.cluster.masters.map((n) => cli(n, 'CLUSTER', 'NODES')))).flatMap((v) => v.split('\n').map((l) => l.split(' ').filter((_, i) => i !== 4 && i !== 5).join(' '))).sort();
const jobs = async (): Promise<number> => (await (await jobRuntime(cp)).store.list({ clusterId: 'split' })).length;
const post = (routes: typeof reshardRoutes, op: string, body: unknown, as: 'operator' | 'admin' = 'operator') => callRoutes(cp, routes, { method: 'POST', path: `/clusters/split/slots/${op}`, params: { id: 'split' }, body, as });
/** Until every node gives `slot` the same owner (gossip after a repair). */
const converged = async (slot: number): Promise<void> => {
  const deadline = Date.now() + 15_000;
  while (new Set(await ownersOf(slot)).size > 1) {
    if (Date.now() > deadline) throw new Error(`slot ${slot}: views did not converge: ${(await ownersOf(slot)).join(' ')}`);
    await new Promise((r) => setTimeout(r, 100));
  }
};

beforeAll(async () => {
  process.env['AzureWebJobsStorage'] = azuriteConnectionString();
  cp = await testControlPlane();
  await register(cp, 'split', [own.cluster.seeds[0] as { host: string; port: number }]);
  for (const n of own.cluster.nodes) ids.set(n, await cli(n, 'CLUSTER', 'MYID'));
  lone = await spawnLoneNode();
  const client = new Cluster(own.cluster.seeds, { enableAutoPipelining: true });
  await fill(client, 's:', KEYS, 20);
  client.disconnect();
});
afterAll(async () => {
  await redisConnections.closeAll();
  await empty?.node.stop();
  await spare?.node.stop();
  await lone?.node.stop();
});

/** Reshard (dry run and real), rebalance, remove-node of a replica and add-node of a lone node: all refused with `code`, naming `names`; nothing moves, no job. */
async function expectRefused(code: string, names: string[]): Promise<void> {
  const before = await layout();
  const replica = own.cluster.replicas[0] as RedisProcess;
  const answers = [
    await post(reshardRoutes, 'reshard', { to: id(master(0)), slots: 10, dryRun: true }),
    await post(reshardRoutes, 'reshard', { to: id(master(0)), slots: 10 }),
    await post(rebalanceRoutes, 'rebalance', { weightBy: 'slots', threshold: 0 }),
    await post(removeNodeRoutes, 'remove-node', { node: addr(replica), dryRun: true }),
    await post(removeNodeRoutes, 'remove-node', { node: addr(replica) }),
    await post(addNodeRoutes, 'add-node', { address: addr(lone?.node as RedisProcess), dryRun: true }, 'admin'),
    await post(addNodeRoutes, 'add-node', { address: addr(lone?.node as RedisProcess) }, 'admin'),
  ];
  for (const res of answers) {
    expect(res.status, JSON.stringify(res.json)).toBe(409);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json.code).toBe(code);
    for (const name of names) expect(res.json.detail).toContain(name);
    expect(res.json.detail).toContain('slots/fix');
  }
  expect(await jobs()).toBe(0);
  expect(await layout()).toEqual(before);
  expect((await cli(lone?.node as RedisProcess, 'CLUSTER', 'NODES')).trim().split('\n')).toHaveLength(1);
}

describe('slot moves refused on a split or broken slot map', () => {
  it('a master that dropped a slot from its own view only (DELSLOTS on the owner alone): 409 cluster_views_disagree naming it and the slot', async () => {
    const owner = master(2);
    const slot = (await ownSlots(owner))[0] as number;
    await cli(owner, 'CLUSTER', 'DELSLOTS', String(slot));
    try {
      // The other five nodes still see the owner serve it: a persistent split (gossip only spreads claims).
      expect((await ownersOf(slot)).filter((o) => o === id(owner))).toHaveLength(5);
      await expectRefused('cluster_views_disagree', [addr(owner), String(slot)]);
    } finally {
      await cli(owner, 'CLUSTER', 'ADDSLOTS', String(slot));
      await converged(slot);
    }
  });

  it('a slot MIGRATING on one master only: 409 slots_open naming the node and the slot', async () => {
    const node = master(1);
    const slot = (await ownSlots(node))[0] as number;
    await cli(node, 'CLUSTER', 'SETSLOT', String(slot), 'MIGRATING', id(master(0)));
    try {
      await expectRefused('slots_open', [addr(node), `${slot} migrating to ${addr(master(0))}`]);
    } finally {
      await cli(node, 'CLUSTER', 'SETSLOT', String(slot), 'STABLE');
    }
  });

  it('a slot no node assigns (DELSLOTS on every master and replica): 409 slots_uncovered', async () => {
    const owner = master(1);
    const slot = (await ownSlots(owner)).at(-1) as number;
    await Promise.all(own.cluster.nodes.map((n) => cli(n, 'CLUSTER', 'DELSLOTS', String(slot))));
    try {
      await expectRefused('slots_uncovered', ['1 slot(s) have no owner', String(slot)]);
    } finally {
      await cli(owner, 'CLUSTER', 'ADDSLOTS', String(slot));
      await converged(slot);
    }
  });
});

describe('slot jobs check every view on every chunk', () => {
  it("a chunk finding its own half-moved slots (open between its pair, announced on the target only) finishes them and the rest", async () => {
    const [source, target] = [master(1), master(0)];
    const all = await ownSlots(source);
    let first = 10;
    while ((await keysIn(source, all[first] as number)) < 2) first += 1;
    const slots = all.slice(first, first + 10);
    const accepted = await post(reshardRoutes, 'reshard', { to: id(target), ranges: [[slots[0], slots.at(-1)]] });
    expect(accepted.status, JSON.stringify(accepted.json)).toBe(202);
    const before = await fingerprint(own.cluster);
    // What a holder killed mid-step leaves: slot A open on both ends with part of its keys moved, slot B moved and
    // announced on the target only (the masters disagree about it until gossip or the job announces it).
    const [a, b] = [slots[0] as number, slots[1] as number];
    for (const s of [a, b]) {
      await cli(target, 'CLUSTER', 'SETSLOT', String(s), 'IMPORTING', id(source));
      await cli(source, 'CLUSTER', 'SETSLOT', String(s), 'MIGRATING', id(target));
    }
    const [key] = (await cli(source, 'CLUSTER', 'GETKEYSINSLOT', String(a), '1')).split('\n').filter((k) => k !== '');
    if (key) await cli(source, 'MIGRATE', target.host, String(target.port), key, '0', '5000');
    for (const k of (await cli(source, 'CLUSTER', 'GETKEYSINSLOT', String(b), '100')).split('\n').filter((x) => x !== '')) await cli(source, 'MIGRATE', target.host, String(target.port), k, '0', '5000');
    await cli(target, 'CLUSTER', 'SETSLOT', String(b), 'NODE', id(target));
    expect((await openSlots(own.cluster.masters)).length).toBeGreaterThan(0);

    expect(await runToEnd(cp, accepted.json.jobId as string)).toBe('succeeded');
    for (const s of slots) expect(new Set(await ownersOf(s)), `slot ${s}`).toEqual(new Set([id(target)]));
    expect(await openSlots(own.cluster.masters)).toEqual([]);
    expect(await fingerprint(own.cluster)).toEqual(before);
  });

  it('a chunk finding a slot open outside its plan fails with slots_open on the job and moves nothing', async () => {
    const [source, target, third] = [master(1), master(0), master(2)];
    const slots = (await ownSlots(source)).slice(0, 5);
    const accepted = await post(reshardRoutes, 'reshard', { to: id(target), ranges: [[slots[0], slots.at(-1)]] });
    expect(accepted.status, JSON.stringify(accepted.json)).toBe(202);
    const foreign = (await ownSlots(third))[0] as number;
    await cli(third, 'CLUSTER', 'SETSLOT', String(foreign), 'MIGRATING', id(target));
    try {
      expect(await runToEnd(cp, accepted.json.jobId as string)).toBe('failed');
      const job = await (await jobRuntime(cp)).store.get(accepted.json.jobId as string);
      expect(job?.job.error?.code).toBe('slots_open');
      expect(job?.job.error?.message).toContain(`${addr(third)} has ${foreign} migrating to ${addr(target)}`);
      expect(job?.job.error?.message).toContain('0 of 5 moved');
      for (const s of slots) expect(new Set(await ownersOf(s)), `slot ${s}`).toEqual(new Set([id(source)]));
    } finally {
      await cli(third, 'CLUSTER', 'SETSLOT', String(foreign), 'STABLE');
    }
  });
});

describe('remove-node never forgets a node that owns slots', () => {
  it('an empty master given a slot after the request: the forget step fails with node_owns_slots, the node stays and keeps the slot', async () => {
    empty = await addEmptyMaster(own.cluster);
    const accepted = await post(removeNodeRoutes, 'remove-node', { node: addr(empty.node) });
    expect(accepted.status, JSON.stringify(accepted.json)).toBe(202);
    // Someone (redis-cli, another tool) moves an empty slot to it before the job runs.
    const owner = master(2);
    const slots = await ownSlots(owner);
    let slot = slots[0] as number;
    for (const s of slots) if ((await keysIn(owner, s)) === 0) {
      slot = s;
      break;
    }
    await cli(empty.node, 'CLUSTER', 'SETSLOT', String(slot), 'IMPORTING', id(owner));
    await cli(owner, 'CLUSTER', 'SETSLOT', String(slot), 'MIGRATING', empty.id);
    await cli(empty.node, 'CLUSTER', 'SETSLOT', String(slot), 'NODE', empty.id);
    await Promise.all(own.cluster.masters.map((n) => cli(n, 'CLUSTER', 'SETSLOT', String(slot), 'NODE', empty?.id as string)));

    expect(await runToEnd(cp, accepted.json.jobId as string)).toBe('failed');
    const job = await (await jobRuntime(cp)).store.get(accepted.json.jobId as string);
    expect(job?.job.error?.code).toBe('node_owns_slots');
    expect(job?.job.error?.message).toContain(String(slot));
    expect(await nodesListing(own.cluster.nodes, empty.id)).toHaveLength(own.cluster.nodes.length);
    expect(await ownSlots(empty.node)).toEqual([slot]);
  });

  it('another master stopped (SIGSTOP) during the forget step: the step fails to be retried, not with slots_uncovered; once it runs again the node is forgotten', async () => {
    // A second empty master (the one above stays with its slot): met, and known to every node.
    spare = await spawnLoneNode();
    await cli(spare.node, 'CLUSTER', 'MEET', master(0).host, String(master(0).port));
    while ((await nodesListing(own.cluster.nodes, spare.id)).length < own.cluster.nodes.length || (await cli(master(0), 'CLUSTER', 'NODES')).includes('handshake')) await new Promise((r) => setTimeout(r, 100));
    const stopped = master(2);
    const cluster = await cp.clusters.get('split');
    const params = { id: spare.id, host: spare.node.host, port: spare.node.port, reset: true, repoint: [] };
    const steps: string[] = [];
    process.kill(stopped.pid, 'SIGSTOP');
    let first: unknown;
    try {
      // Stopped for under a second: the other nodes (node timeout 2 s) do not fail it over meanwhile.
      first = await withRedis(cluster, (c) => forgetNode(c, params, (m) => steps.push(m))).catch((error: Error) => error);
    } finally {
      process.kill(stopped.pid, 'SIGCONT');
    }
    expect(first).toBeInstanceOf(Error);
    expect((first as Error).message).toContain(`${addr(stopped)} does not answer`);
    expect(await nodesListing(own.cluster.nodes, spare.id)).toHaveLength(own.cluster.nodes.length);
    // The next chunk (the job retries a failed one): the stopped master may still be remembered as down for a moment.
    const deadline = Date.now() + 10_000;
    let second: unknown;
    for (;;) {
      second = await withRedis(cluster, (c) => forgetNode(c, params, (m) => steps.push(m))).catch((error: Error) => error);
      if (!(second instanceof Error && /does not answer/.test(second.message)) || Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(second).toBeUndefined();
    expect(await nodesListing(own.cluster.nodes, spare.id)).toEqual([]);
  });
});

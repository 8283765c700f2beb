import { Cluster, Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HealthReport } from '../../shared/admin/health/assessHealth';
import { healthRoutes } from '../../shared/admin/health/healthRoutes';
import { fixRoutes } from '../../shared/admin/slots/fixRoutes';
import type { ControlPlane } from '../../shared/platform/controlPlane';
import { redisConnections } from '../../shared/platform/redis/redisConnections';
import { redisText, type RedisProcess } from '../../tools/local/index';
import { redisCliCheck } from '../cluster/redisCliCheck';
import { callRoutes, testControlPlane } from '../controlplane/api';
import { useOwnCluster } from '../helpers/redis';
import { azuriteConnectionString } from '../helpers/storage';
import { fill, fingerprint, openSlots, register, runToEnd } from './slotTestbed';

// Two masters claiming a slot at once (CLUSTER SETSLOT <slot> NODE <itself> on a master that does not own it): Redis
// resolves it by config epoch within about a second (clusterUpdateSlotsConfigWith), and a loser that held keys in
// the slot deletes them. What health and fix see, and what they can and cannot repair, against redis-cli's opinion.
const own = useOwnCluster({ masters: 3, replicasPerMaster: 0 });
let cp: ControlPlane;

beforeAll(async () => {
  process.env['AzureWebJobsStorage'] = azuriteConnectionString();
  cp = await testControlPlane();
  await register(cp, 'claims', own.cluster.seeds);
  const client = new Cluster(own.cluster.seeds, { enableAutoPipelining: true });
  await fill(client, 'c:', 20_000, 100);
  client.disconnect();
});
afterAll(() => redisConnections.closeAll());

const cmd = (n: RedisProcess, ...args: string[]): Promise<string> => redisText(n.host, n.port, args);
const selfLine = async (n: RedisProcess): Promise<string[]> => ((await cmd(n, 'CLUSTER', 'NODES')).split('\n').find((l) => l.includes('myself')) ?? '').split(' ');
const health = async (): Promise<HealthReport> => (await callRoutes(cp, healthRoutes, { method: 'GET', path: '/clusters/claims/health', params: { id: 'claims' }, as: 'reader' })).json as HealthReport;
const SLOT_CODES = ['config_disagreement', 'slot_migrating', 'slot_importing', 'slots_not_covered', 'slot_multiple_owners'];

/** Masters by config epoch (lowest first), with their ids. */
async function byEpoch(): Promise<{ node: RedisProcess; id: string; epoch: number }[]> {
  const rows = await Promise.all(own.cluster.masters.map(async (node) => ({ node, line: await selfLine(node) })));
  return rows.map(({ node, line }) => ({ node, id: line[0] ?? '', epoch: Number(line[6]) })).sort((a, b) => a.epoch - b.epoch);
}

/** The first `count` slots of `owner` holding keys. */
async function slotsWithKeys(owner: RedisProcess, count: number): Promise<number[]> {
  const [lo] = (((await selfLine(owner))[8] ?? '').split('-').map(Number) as [number]);
  const out: number[] = [];
  for (let s = lo; out.length < count; s++) if (Number(await cmd(owner, 'CLUSTER', 'COUNTKEYSINSLOT', String(s))) > 0) out.push(s);
  return out;
}

/** Waits until every master's own view gives each of `slots` to `id`. */
async function converged(slots: number[], id: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const owners = await Promise.all(
      own.cluster.masters.map(async (m) => {
        const redis = new Redis({ host: m.host, port: m.port });
        try {
          const ranges = (await redis.call('CLUSTER', 'SLOTS')) as [number, number, [string, number, string]][];
          return slots.map((s) => ranges.find(([a, b]) => s >= a && s <= b)?.[2][2]);
        } finally {
          redis.disconnect();
        }
      }),
    );
    if (owners.every((o) => o.every((x) => x === id))) return;
    if (Date.now() > deadline) throw new Error(`views did not converge on ${id}: ${JSON.stringify(owners)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function claim(node: RedisProcess, id: string, slots: number[]): Promise<void> {
  const redis = new Redis({ host: node.host, port: node.port });
  try {
    const replies = (await slots.reduce((p, s) => p.call('CLUSTER', 'SETSLOT', String(s), 'NODE', id), redis.pipeline()).exec()) ?? [];
    for (const [error] of replies) if (error) throw error;
  } finally {
    redis.disconnect();
  }
}

describe('two masters claiming a slot at once', () => {
  it('a claim with a lower config epoch than the owner: health reports it while it lasts, fix run at once keeps the keys holder, nothing is lost', async () => {
    const [low, , high] = (await byEpoch()) as [{ node: RedisProcess; id: string }, unknown, { node: RedisProcess; id: string }];
    const slots = await slotsWithKeys(high.node, 40);
    const before = await fingerprint(own.cluster);
    await claim(low.node, low.id, slots);
    // Fix, health and redis-cli at once, while it lasts (gossip may settle it first: then there is nothing to fix).
    const [res, seen, cli] = await Promise.all([
      callRoutes(cp, fixRoutes, { method: 'POST', path: '/clusters/claims/slots/fix', params: { id: 'claims' }, body: {}, as: 'operator' }),
      health(),
      redisCliCheck(`${high.node.host}:${high.node.port}`, { searchMultipleOwners: true }),
    ]);
    // What each saw names only the claimed slots.
    const found = seen.findings.find((f) => f.code === 'slot_multiple_owners');
    if (found) expect(found.message).toMatch(/claimed by or hold keys on 2 masters/);
    for (const slot of cli.multipleOwners) expect(slots).toContain(slot);
    if (res.status === 202) {
      // Fix settles on the master with the keys (most keys, then higher epoch): the owner, never the empty claimant.
      for (const p of res.json.plan.problems as { problem: string; owner: { id: string } }[]) expect(p.owner.id).toBe(high.id);
      expect(await runToEnd(cp, res.json.jobId)).toBe('succeeded');
    } else expect(res.json.code).toBe('nothing_to_fix');
    await converged(slots, high.id);
    expect(await fingerprint(own.cluster)).toEqual(before);
    expect(await openSlots(own.cluster.masters)).toEqual([]);
    const check = await redisCliCheck(`${low.node.host}:${low.node.port}`, { searchMultipleOwners: true });
    expect(check, check.output).toMatchObject({ verdict: 'ok', agree: true, allSlotsCovered: true, multipleOwners: [] });
    expect((await health()).findings.filter((f) => SLOT_CODES.includes(f.code))).toEqual([]);
  }, 90_000);

  it('a claim with a higher config epoch: Redis makes the owner delete its keys in the slot within seconds; afterwards neither redis-cli nor health can see the loss', async () => {
    const [low, , high] = (await byEpoch()) as [{ node: RedisProcess; id: string }, unknown, { node: RedisProcess; id: string }];
    const [slot] = (await slotsWithKeys(high.node, 1)) as [number];
    const keys = Number(await cmd(high.node, 'CLUSTER', 'COUNTKEYSINSLOT', String(slot)));
    expect(keys).toBeGreaterThan(0);
    const before = await fingerprint(own.cluster);
    // The epoch first, then the claim: claimed first, a ping from the owner (higher epoch) or an UPDATE from the third
    // master, landing before BUMPEPOCH on a loaded machine, takes the claim back and BUMPEPOCH then claims nothing.
    await cmd(low.node, 'CLUSTER', 'BUMPEPOCH');
    await claim(low.node, low.id, [slot]);
    await converged([slot], low.id);
    // The owner gave the slot up to the higher epoch and deleted its keys in it (a "dirty slot"); the claimant had none.
    expect(Number(await cmd(high.node, 'CLUSTER', 'COUNTKEYSINSLOT', String(slot)))).toBe(0);
    expect(Number(await cmd(low.node, 'CLUSTER', 'COUNTKEYSINSLOT', String(slot)))).toBe(0);
    expect((await fingerprint(own.cluster)).keys).toBe(before.keys - keys);
    const check = await redisCliCheck(`${low.node.host}:${low.node.port}`, { searchMultipleOwners: true });
    expect(check).toMatchObject({ verdict: 'ok', agree: true, multipleOwners: [] });
    expect((await health()).findings.filter((f) => SLOT_CODES.includes(f.code))).toEqual([]);
    expect((await callRoutes(cp, fixRoutes, { method: 'POST', path: '/clusters/claims/slots/fix', params: { id: 'claims' }, body: {}, as: 'operator' })).json.code).toBe('nothing_to_fix');
  }, 60_000);
});

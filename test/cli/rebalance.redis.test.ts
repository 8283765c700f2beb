import { Cluster } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RedisProcess } from '../../tools/local/index';
import { redisCliCheck } from '../cluster/redisCliCheck';
import { useOwnCluster } from '../helpers/redis';
import { addEmptyMaster, fill, fingerprint, openSlots } from '../slots/slotTestbed';
import { json, useCliHarness } from './cliHarness';

// `rcm rebalance` on a private 3-master cluster plus an empty 4th master: the plan (every master's share before and
// after, the spread), the question naming the cluster, the job with its bar, then "No rebalancing needed".
const own = useOwnCluster({ masters: 3, replicasPerMaster: 0 });
const h = useCliHarness();
let fourth: { node: RedisProcess; id: string };

beforeAll(async () => {
  fourth = await addEmptyMaster(own.cluster);
  const client = new Cluster(own.cluster.seeds, { enableAutoPipelining: true });
  await fill(client, 'cr:', 3000, 50);
  client.disconnect();
});
afterAll(async () => {
  await fourth?.node.stop();
});

describe('rcm rebalance', () => {
  it('shows the shares and the spread, asks naming the cluster, moves the slots as a job; then nothing to do', async () => {
    const seeds = own.cluster.seeds.flatMap((s) => ['--endpoint', `${s.host}:${s.port}`]);
    expect((await h.rcm(['clusters', 'add', 'rbc', '--mode', 'cluster', ...seeds])).code).toBe(0);
    const address = `${fourth.node.host}:${fourth.node.port}`;
    expect((await h.rcm(['rebalance', 'rbc', '--weight-by', 'cpu'])).code).toBe(2);
    expect((await h.rcm(['rebalance', 'rbc', '--weight', 'nonsense'])).code).toBe(2);
    expect((await h.rcm(['rebalance', 'rbc', '--threshold', '-3'])).code).toBe(2);

    const dry = await h.rcm(['rebalance', 'rbc', '--dry-run']);
    expect(dry.code).toBe(0);
    const rows = dry.stdout.split('\n').filter((l) => l.includes('\t')).map((l) => l.split('\t'));
    // Piped: the shares (7 columns, one per master) and then the moves (6 columns, one per pair).
    const shares = rows.filter((r) => r.length === 7);
    expect(shares).toHaveLength(4);
    expect(shares.find((r) => r[0] === address)).toEqual([address, '1', '0', '4,096', '4,096', '100.00%', '0→4,096']);
    const moves = rows.filter((r) => r.length === 6);
    expect(moves).toHaveLength(3);
    expect(moves.every((p) => p[1] === address)).toBe(true);
    expect(moves.reduce((n, p) => n + Number(String(p[3]).replace(/,/g, '')), 0)).toBe(4096);
    expect(dry.stdout).toMatch(/^Spread by slots \(max\/mean of slots\): 1\.33\d* → 1\. Basis: /m);
    expect(dry.stdout).toMatch(/^Plan: 4,096 slot\(s\), /m);
    const asJson = json(await h.rcm(['rebalance', 'rbc', '--dry-run', '--json', '--weight', `${address}=2`]));
    expect(asJson.rebalance.masters.find((m: { address: string }) => m.address === address).slotsAfter).toBe(6553);

    expect((await h.rcm(['rebalance', 'rbc'])).code).toBe(2); // no terminal, no --yes: refused, nothing changed
    expect(await openSlots([...own.cluster.masters, fourth.node])).toEqual([]);
    const before = await fingerprint(own.cluster, [fourth.node]);
    const run = await h.rcm(['rebalance', 'rbc', '--yes'], { timeoutMs: 150_000 });
    expect(run.stderr.trim().split('\n').at(-1)).toMatch(/\]\s+100 %\s+4,096\/4,096 slots/);
    expect(run.stdout).toMatch(/^Job slots-\S+ succeeded in \d+s: moved 4,096 of 4,096 slot\(s\), /m);
    expect(run.code).toBe(0);
    expect(await fingerprint(own.cluster, [fourth.node])).toEqual(before);
    const check = await redisCliCheck(address, { searchMultipleOwners: true });
    expect(check).toMatchObject({ verdict: 'ok', agree: true, allSlotsCovered: true, multipleOwners: [] });
    expect(check.output).toMatch(new RegExp(`${address.replace(/\./g, '\\.')} .*4096 slots`));

    const again = await h.rcm(['rebalance', 'rbc', '--yes']);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('No rebalancing needed: every master is within the 2 % threshold.');
  }, 200_000);
});

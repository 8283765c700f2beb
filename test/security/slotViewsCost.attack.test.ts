import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisText, type RedisProcess } from '../../tools/local/index';
import { useOwnCluster } from '../helpers/redis';
import { uniqueTableName } from '../helpers/storage';
import { startSecurityHost, type SecurityHost } from './securityHost';

// The three replicas of a 3-master cluster were reset (CLUSTER RESET SOFT, as after a botched repair): each one's own view
// now has no other node, so it gives all 16,384 slots to nobody while the others agree. Every slot request compares
// the views for up to 3 s before refusing; the comparison must not stall the host for everyone while it does.
const own = useOwnCluster({ masters: 3, replicasPerMaster: 1 });
let host: SecurityHost;

beforeAll(async () => {
  host = await startSecurityHost({ STATE_TABLE_PREFIX: uniqueTableName('viewcost') });
  const seed = own.cluster.seeds[0] as { host: string; port: number };
  const cluster = await host.setup('PUT', '/api/clusters/reset', { body: { mode: 'cluster', endpoints: [seed], secretRef: { kind: 'none' } } });
  expect(cluster.status, cluster.text).toBe(201);
  for (const replica of own.cluster.replicas) await redisText(replica.host, replica.port, ['CLUSTER', 'RESET', 'SOFT']);
}, 120_000);
afterAll(async () => {
  await host?.stop();
});

describe('attack: slot requests against a cluster whose views disagree on every slot', () => {
  it('are refused with cluster_views_disagree, bounded, while the host keeps answering other requests', async () => {
    const reset = own.cluster.replicas as RedisProcess[];
    const to = (await redisText(own.cluster.masters[0]!.host, own.cluster.masters[0]!.port, ['CLUSTER', 'MYID'])).trim();
    let checking = true;
    const latencies: number[] = [];
    const probe = (async () => {
      while (checking) {
        const at = performance.now();
        expect((await host.raw('GET', '/api/health')).status).toBe(200);
        latencies.push(performance.now() - at);
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
    const started = performance.now();
    const answers = await Promise.all([1, 2, 3].map(() => host.api('POST', '/api/clusters/reset/slots/reshard', { as: 'operator', body: { to, slots: 10, dryRun: true } })));
    const took = performance.now() - started;
    checking = false;
    await probe;
    for (const res of answers) {
      expect(res.status, res.text).toBe(409);
      expect(res.json.code).toBe('cluster_views_disagree');
      expect(res.json.detail).toContain('16384 slot(s) with different owners');
      for (const r of reset) expect(res.json.detail).toContain(`${r.host}:${r.port}`);
      expect(res.json.detail.length).toBeLessThan(2000);
    }
    console.log(`3 refusals in ${took.toFixed(0)} ms; health probes ${latencies.length}, slowest ${Math.max(...latencies).toFixed(0)} ms`);
    expect(took).toBeLessThan(6000);
    // Sequential health probes 20 ms apart: 75-84 answered while the refusals were computed; 9-11 before (the
    // comparison copied a slot list per slot and held the event loop for 0.6-0.9 s per read).
    expect(latencies.length).toBeGreaterThanOrEqual(20);
  }, 60_000);
});

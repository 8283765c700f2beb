import { describe, expect, it } from 'vitest';
import { redisText, type RedisProcess } from '../../tools/local/index';
import { redisCliCheck } from '../cluster/redisCliCheck';
import { useOwnCluster } from '../helpers/redis';
import { nodesListing, spawnLoneNode } from '../slots/slotTestbed';
import { useCliHarness } from './cliHarness';

// rcm add-node, failover and del-node through the real CLI and host against a private 3-master cluster: plan first,
// a question naming the cluster (refused without a terminal), then the job with its bar.
const own = useOwnCluster({ masters: 3, replicasPerMaster: 0 });
const h = useCliHarness();
const cmd = (n: RedisProcess, ...args: string[]): Promise<string> => redisText(n.host, n.port, args);
const addr = (n: RedisProcess): string => `${n.host}:${n.port}`;

describe('rcm add-node, failover, del-node', () => {
  it('adds a replica, fails over to it, removes the former master: plans, questions, jobs; redis-cli is satisfied', async () => {
    const [m0, m1] = own.cluster.masters as [RedisProcess, RedisProcess];
    expect((await h.rcm(['clusters', 'add', 'nc', '--mode', 'cluster', '--endpoint', addr(m0)])).code).toBe(0);
    const fresh = await spawnLoneNode();
    try {
      const address = addr(fresh.node);
      const dry = await h.rcm(['add-node', 'nc', address, '--replica-of', addr(m1), '--dry-run']);
      expect(dry.code).toBe(0);
      expect(dry.stdout).toMatch(new RegExp(`^Plan: add ${address} \\(node ${fresh.id}\\) as a replica of ${addr(m1)}, meeting \\S+; 3 node\\(s\\) must learn it\\.$`, 'm'));
      expect(dry.stdout).toMatch(/^ {2}1\. CLUSTER MEET /m);
      expect(dry.stdout).toMatch(/risk full_sync: /);
      const asked = await h.rcm(['add-node', 'nc', address, '--replica-of', addr(m1)]);
      expect(asked.code).toBe(2);
      expect(asked.stderr).toContain(`refusing to Add ${address} to cluster 'nc' as a replica of ${addr(m1)} without confirmation`);
      expect((await cmd(fresh.node, 'CLUSTER', 'NODES')).trim().split('\n')).toHaveLength(1);
      const added = await h.rcm(['add-node', 'nc', address, '--replica-of', addr(m1), '--yes'], { timeoutMs: 120_000 });
      expect(added.stdout).toMatch(new RegExp(`^Job nodes-\\S+ succeeded: ${address} joined cluster 'nc' as replica\\.$`, 'm'));
      expect(added.stderr.trim().split('\n').at(-1)).toMatch(/100 %\s+4\/4 steps/);
      expect(added.code).toBe(0);
      expect(await nodesListing(own.cluster.nodes, fresh.id)).toHaveLength(3);

      // TAKEOVER needs an admin key: 403, exit 3, nothing changed.
      const takeover = await h.rcm(['failover', 'nc', address, '--takeover', '--yes'], { as: 'operator' });
      expect(takeover.code).toBe(3);
      expect(takeover.stderr).toContain('failover_mode_needs_admin');
      expect(await cmd(fresh.node, 'ROLE')).toMatch(/^slave/);
      const failoverDry = await h.rcm(['failover', 'nc', address, '--dry-run'], { as: 'operator' });
      expect(failoverDry.stdout).toMatch(new RegExp(`^Plan: promote ${address} \\(default\\) over ${addr(m1)} \\(answers\\), 5,?46[12] slot\\(s\\), replication lag `, 'm'));
      const failedOver = await h.rcm(['failover', 'nc', address, '--yes'], { as: 'operator', timeoutMs: 120_000 });
      expect(failedOver.stdout).toMatch(new RegExp(`^Job nodes-\\S+ succeeded: ${address} is the master of 5,?46[12] slot\\(s\\)\\.$`, 'm'));
      expect(failedOver.code).toBe(0);
      expect(await cmd(fresh.node, 'ROLE')).toMatch(/^master/);

      // The former master is now a replica: an operator may remove it (forget only, then reset).
      const id1 = await cmd(m1, 'CLUSTER', 'MYID');
      const delDry = await h.rcm(['del-node', 'nc', addr(m1), '--dry-run'], { as: 'operator' });
      expect(delDry.stdout).toMatch(new RegExp(`^Plan: remove replica ${addr(m1)} \\(node ${id1}\\)\\.$`, 'm'));
      expect(delDry.stdout).toMatch(/CLUSTER FORGET .* on 3 node\(s\) at once/);
      const removed = await h.rcm(['del-node', 'nc', addr(m1), '--yes'], { as: 'operator', timeoutMs: 120_000 });
      expect(removed.stdout).toMatch(new RegExp(`^Job slots-\\S+ succeeded: ${addr(m1)} removed from cluster 'nc'\\.$`, 'm'));
      expect(removed.code).toBe(0);
      expect(await nodesListing([...own.cluster.nodes, fresh.node], id1)).toEqual([]);
      const check = await redisCliCheck(addr(m0));
      expect(check).toMatchObject({ verdict: 'ok', agree: true, allSlotsCovered: true });
      expect(check.output).not.toContain(id1);
      // The registered endpoint cannot be removed: exit 5 (409) with the reason.
      const seed = await h.rcm(['del-node', 'nc', addr(m0), '--yes']);
      expect(seed.code).toBe(5);
      expect(seed.stderr).toContain('node_is_registered_endpoint');
    } finally {
      await fresh.node.stop();
    }
  }, 300_000);
});

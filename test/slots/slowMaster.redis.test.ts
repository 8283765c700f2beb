import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rebalanceRoutes } from '../../shared/admin/slots/rebalanceRoutes';
import type { ControlPlane } from '../../shared/platform/controlPlane';
import { redisConnections } from '../../shared/platform/redis/redisConnections';
import type { RedisProcess } from '../../tools/local/index';
import { callRoutes, testControlPlane } from '../controlplane/api';
import { useOwnCluster } from '../helpers/redis';
import { azuriteConnectionString } from '../helpers/storage';
import { register } from './slotTestbed';

// A master that answers late (frozen 1.5 s: a busy node on a loaded host) is not a master that is down: a slot
// operation's layout read waits for it instead of refusing with cluster_not_ready after health's 600 ms budget.
const own = useOwnCluster({ masters: 3, replicasPerMaster: 0, nodeTimeoutMs: 15_000 });
let cp: ControlPlane;

beforeAll(async () => {
  process.env['AzureWebJobsStorage'] = azuriteConnectionString();
  cp = await testControlPlane();
  await register(cp, 'slow', own.cluster.seeds);
});
afterAll(() => redisConnections.closeAll());

describe('a slow master', () => {
  it('frozen for 1.5 s during the plan: the plan waits for it and names all three masters', async () => {
    const slow = own.cluster.masters[1] as RedisProcess;
    process.kill(slow.pid, 'SIGSTOP');
    const thaw = setTimeout(() => process.kill(slow.pid, 'SIGCONT'), 1500);
    try {
      const res = await callRoutes(cp, rebalanceRoutes, { method: 'POST', path: '/clusters/slow/slots/rebalance', params: { id: 'slow' }, body: { dryRun: true }, as: 'operator' });
      expect(res.status).toBe(200);
      expect(res.json.rebalance.masters).toHaveLength(3);
      expect(res.json.rebalance.withinThreshold).toBe(true);
    } finally {
      clearTimeout(thaw);
      process.kill(slow.pid, 'SIGCONT');
    }
  }, 60_000);
});

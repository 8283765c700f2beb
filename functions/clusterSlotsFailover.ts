import { app } from '@azure/functions';
import { lazyApiHandler } from '../shared/platform/http/lazyApiHandler';

/** POST /api/clusters/{id}/slots/failover: CLUSTER FAILOVER on a replica (plan or job). */
app.http('clusterSlotsFailover', {
  route: 'clusters/{id}/slots/failover',
  methods: ['POST'],
  authLevel: 'function',
  handler: lazyApiHandler(async () => (await import('../shared/admin/slots/nodeRoutes.js')).failoverRoutes),
});

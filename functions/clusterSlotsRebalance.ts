import { app } from '@azure/functions';
import { lazyApiHandler } from '../shared/platform/http/lazyApiHandler';

/** POST /api/clusters/{id}/slots/rebalance: a dry-run plan (200) or a resumable slot-moving job (202). */
app.http('clusterSlotsRebalance', {
  route: 'clusters/{id}/slots/rebalance',
  methods: ['POST'],
  authLevel: 'function',
  handler: lazyApiHandler(async () => (await import('../shared/admin/slots/rebalanceRoutes.js')).rebalanceRoutes),
});

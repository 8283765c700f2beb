import { app } from '@azure/functions';
import { lazyApiHandler } from '../shared/platform/http/lazyApiHandler';

/** POST /api/clusters/{id}/slots/remove-node: drain, forget everywhere and reset a node (plan or job). */
app.http('clusterSlotsRemoveNode', {
  route: 'clusters/{id}/slots/remove-node',
  methods: ['POST'],
  authLevel: 'function',
  handler: lazyApiHandler(async () => (await import('../shared/admin/slots/nodeRoutes.js')).removeNodeRoutes),
});

import { app } from '@azure/functions';
import { lazyApiHandler } from '../shared/platform/http/lazyApiHandler';

/** POST /api/clusters/{id}/slots/add-node: add an empty node as a master or a replica (plan or job). */
app.http('clusterSlotsAddNode', {
  route: 'clusters/{id}/slots/add-node',
  methods: ['POST'],
  authLevel: 'function',
  handler: lazyApiHandler(async () => (await import('../shared/admin/slots/nodeRoutes.js')).addNodeRoutes),
});

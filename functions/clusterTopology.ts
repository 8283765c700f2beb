import { app } from '@azure/functions';
import { lazyApiHandler } from '../shared/platform/http/lazyApiHandler';

/** GET /api/clusters/{id}/topology: nodes, roles, slots, links, failure flags, epochs, keys and memory. */
app.http('clusterTopology', {
  route: 'clusters/{id}/topology',
  methods: ['GET'],
  authLevel: 'function',
  handler: lazyApiHandler(async () => (await import('../shared/admin/topology/topologyRoutes.js')).topologyRoutes),
});

import { app } from '@azure/functions';
import { lazyApiHandler } from '../shared/http/lazyApiHandler';

/** GET /api/clusters/{id}/topology: nodes, roles, slots, links, failure flags, epochs, keys and memory. */
app.http('clusterTopology', {
  route: 'clusters/{id}/topology',
  methods: ['GET'],
  authLevel: 'function',
  handler: lazyApiHandler(async () => (await import('../shared/topology/topologyRoutes.js')).topologyRoutes),
});

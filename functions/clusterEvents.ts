import { app } from '@azure/functions';
import { lazyApiHandler } from '../shared/platform/http/lazyApiHandler';

/** GET /api/clusters/{id}/events: the cluster's audit log, newest first. */
app.http('clusterEvents', {
  route: 'clusters/{id}/events',
  methods: ['GET'],
  authLevel: 'function',
  handler: lazyApiHandler(async () => (await import('../shared/admin/clusters/clusterEventRoutes.js')).clusterEventRoutes),
});

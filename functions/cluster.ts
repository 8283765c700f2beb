import { app } from '@azure/functions';
import { lazyApiHandler } from '../shared/platform/http/lazyApiHandler';

/** GET / PUT / DELETE /api/clusters/{id}: one cluster registration. */
app.http('cluster', {
  route: 'clusters/{id}',
  methods: ['GET', 'PUT', 'DELETE'],
  authLevel: 'function',
  handler: lazyApiHandler(async () => (await import('../shared/admin/clusters/clusterRoutes.js')).clusterRoutes),
});

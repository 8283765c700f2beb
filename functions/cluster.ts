import { app } from '@azure/functions';
import { lazyApiHandler } from '../shared/http/lazyApiHandler';

/** GET / PUT / DELETE /api/clusters/{id}: one cluster registration. */
app.http('cluster', {
  route: 'clusters/{id}',
  methods: ['GET', 'PUT', 'DELETE'],
  authLevel: 'function',
  handler: lazyApiHandler(async () => (await import('../shared/clusters/clusterRoutes.js')).clusterRoutes),
});

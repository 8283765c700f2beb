import { app } from '@azure/functions';
import { lazyApiHandler } from '../shared/http/lazyApiHandler';

/** GET /api/clusters: every registered cluster. */
app.http('clusters', {
  route: 'clusters',
  methods: ['GET'],
  authLevel: 'function',
  handler: lazyApiHandler(async () => (await import('../shared/clusters/clusterRoutes.js')).clusterListRoutes),
});

import { app } from '@azure/functions';
import { lazyApiHandler } from '../shared/platform/http/lazyApiHandler';

/** GET /api/clusters/{id}/streams/{key}: one stream with its groups and consumers, as last seen. */
app.http('clusterStream', {
  route: 'clusters/{id}/streams/{key}',
  methods: ['GET'],
  authLevel: 'function',
  handler: lazyApiHandler(async () => (await import('../shared/monitoring/messaging/streamRoutes.js')).streamRoutes),
});

import { app } from '@azure/functions';
import { lazyApiHandler } from '../shared/platform/http/lazyApiHandler';

/** GET /api/clusters/{id}/streams: streams, queues and Pub/Sub found by the last monitor tick. */
app.http('clusterStreams', {
  route: 'clusters/{id}/streams',
  methods: ['GET'],
  authLevel: 'function',
  handler: lazyApiHandler(async () => (await import('../shared/monitoring/messaging/streamRoutes.js')).streamListRoutes),
});

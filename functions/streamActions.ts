import { app } from '@azure/functions';
import { lazyApiHandler } from '../shared/platform/http/lazyApiHandler';

/** POST /api/clusters/{id}/stream-actions: claim stuck entries, trim, remove a consumer — as an audited job. */
app.http('streamActions', {
  route: 'clusters/{id}/stream-actions',
  methods: ['POST'],
  authLevel: 'function',
  handler: lazyApiHandler(async () => (await import('../shared/admin/messaging/streamActionRoutes.js')).streamActionRoutes),
});

import { app } from '@azure/functions';
import { lazyApiHandler } from '../shared/platform/http/lazyApiHandler';

/** POST /api/clusters/{id}/slots/reshard: a dry-run plan (200) or a resumable slot-moving job (202). */
app.http('clusterSlotsReshard', {
  route: 'clusters/{id}/slots/reshard',
  methods: ['POST'],
  authLevel: 'function',
  handler: lazyApiHandler(async () => (await import('../shared/admin/slots/slotRoutes.js')).reshardRoutes),
});

import { app } from '@azure/functions';
import { lazyApiHandler } from '../shared/platform/http/lazyApiHandler';

/** POST /api/clusters/{id}/slots/fix: repair every slot problem health reports without losing a key (job), or refuse naming why. */
app.http('clusterSlotsFix', {
  route: 'clusters/{id}/slots/fix',
  methods: ['POST'],
  authLevel: 'function',
  handler: lazyApiHandler(async () => (await import('../shared/admin/slots/fixRoutes.js')).fixRoutes),
});

import { app } from '@azure/functions';
import { lazyApiHandler } from '../shared/platform/http/lazyApiHandler';

/** GET /api/clusters/{id}/keys/{key}: type, TTL, memory, encoding, idle/LFU, slot and owning node of one key. */
app.http('keyInspect', {
  route: 'clusters/{id}/keys/{key}',
  methods: ['GET'],
  authLevel: 'function',
  handler: lazyApiHandler(async () => (await import('../shared/admin/keys/keyRoutes.js')).keyRoutes),
});

import { app } from '@azure/functions';
import { lazyApiHandler } from '../shared/platform/http/lazyApiHandler';

/** POST /api/clusters/{id}/hotkeys: 202 + job (hot-key radar: duty-cycled MONITOR with a byte cap, or OBJECT FREQ under LFU). */
app.http('clusterHotkeys', {
  route: 'clusters/{id}/hotkeys',
  methods: ['POST'],
  authLevel: 'function',
  handler: lazyApiHandler(async () => (await import('../shared/monitoring/hotkeys/hotkeysRoutes.js')).hotkeysRoutes),
});

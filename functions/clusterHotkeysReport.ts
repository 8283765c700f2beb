import { app } from '@azure/functions';
import { lazyApiHandler } from '../shared/platform/http/lazyApiHandler';

/** GET /api/clusters/{id}/hotkeys/{jobId}: the report of a hot-key radar job (while it runs and after). */
app.http('clusterHotkeysReport', {
  route: 'clusters/{id}/hotkeys/{jobId}',
  methods: ['GET'],
  authLevel: 'function',
  handler: lazyApiHandler(async () => (await import('../shared/monitoring/hotkeys/hotkeysRoutes.js')).hotkeysReportRoutes),
});

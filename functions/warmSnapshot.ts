import { app } from '@azure/functions';
import { lazyApiHandler } from '../shared/platform/http/lazyApiHandler';

/** POST /api/clusters/{id}/namespaces/{ns}/warm-snapshot: store the namespace's hot set (DUMP payloads) in Blob Storage. */
app.http('warmSnapshot', {
  route: 'clusters/{id}/namespaces/{ns}/warm-snapshot',
  methods: ['POST'],
  authLevel: 'function',
  handler: lazyApiHandler(async () => (await import('../shared/warming/warmRoutes.js')).warmSnapshotRoutes),
});

import { app } from '@azure/functions';
import { lazyApiHandler } from '../shared/platform/http/lazyApiHandler';

/** GET /api/clusters/{id}/jobs: the cluster's jobs, newest first. */
app.http('clusterJobs', {
  route: 'clusters/{id}/jobs',
  methods: ['GET'],
  authLevel: 'function',
  handler: lazyApiHandler(async () => (await import('../shared/platform/jobs/jobRoutes.js')).clusterJobRoutes),
});

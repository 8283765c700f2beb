import { app } from '@azure/functions';
import { lazyApiHandler } from '../shared/http/lazyApiHandler';

/** GET /api/clusters/{id}/jobs: the cluster's jobs, newest first. */
app.http('clusterJobs', {
  route: 'clusters/{id}/jobs',
  methods: ['GET'],
  authLevel: 'function',
  handler: lazyApiHandler(async () => (await import('../shared/jobs/jobRoutes.js')).clusterJobRoutes),
});

import { app } from '@azure/functions';
import { lazyApiHandler } from '../shared/platform/http/lazyApiHandler';

/** GET /api/jobs/{id}: status and progress of a long job (invalidation, TTL hygiene, ...). */
app.http('job', {
  route: 'jobs/{id}',
  methods: ['GET'],
  authLevel: 'function',
  handler: lazyApiHandler(async () => (await import('../shared/platform/jobs/jobRoutes.js')).jobRoutes),
});

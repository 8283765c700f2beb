import { app } from '@azure/functions';
import { lazyApiHandler } from '../shared/platform/http/lazyApiHandler';

/** POST /api/jobs/{id}/cancel: stop a job at its next checkpoint. */
app.http('jobCancel', {
  route: 'jobs/{id}/cancel',
  methods: ['POST'],
  authLevel: 'function',
  handler: lazyApiHandler(async () => (await import('../shared/platform/jobs/jobRoutes.js')).jobCancelRoutes),
});

import { app } from '@azure/functions';
import { lazyApiHandler } from '../shared/platform/http/lazyApiHandler';

/** GET /api/me: the caller's principal and role (the console uses it to disable what the role may not do). */
app.http('me', {
  route: 'me',
  methods: ['GET'],
  authLevel: 'function',
  handler: lazyApiHandler(async () => (await import('../shared/platform/http/meRoutes.js')).meRoutes),
});

import { app } from '@azure/functions';
import { lazyApiHandler } from '../shared/platform/http/lazyApiHandler';

/** GET/PUT/DELETE /api/notification-channels/{name}: a webhook, Teams or Slack channel with its routes (audited). */
app.http('notificationChannel', {
  route: 'notification-channels/{name}',
  methods: ['GET', 'PUT', 'DELETE'],
  authLevel: 'function',
  handler: lazyApiHandler(async () => (await import('../shared/monitoring/notifications/channelRoutes.js')).channelRoutes),
});

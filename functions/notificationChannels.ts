import { app } from '@azure/functions';
import { lazyApiHandler } from '../shared/platform/http/lazyApiHandler';

/** GET /api/notification-channels: every notification channel (secret references only). */
app.http('notificationChannels', {
  route: 'notification-channels',
  methods: ['GET'],
  authLevel: 'function',
  handler: lazyApiHandler(async () => (await import('../shared/monitoring/notifications/channelRoutes.js')).channelListRoutes),
});

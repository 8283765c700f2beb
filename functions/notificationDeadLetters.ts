import { app } from '@azure/functions';
import { lazyApiHandler } from '../shared/platform/http/lazyApiHandler';

/** GET /api/notification-channels/{name}/dead-letters: messages the channel never accepted, with why. */
app.http('notificationDeadLetters', {
  route: 'notification-channels/{name}/dead-letters',
  methods: ['GET'],
  authLevel: 'function',
  handler: lazyApiHandler(async () => (await import('../shared/monitoring/notifications/channelRoutes.js')).deadLetterRoutes),
});

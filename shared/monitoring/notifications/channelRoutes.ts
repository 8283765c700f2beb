import { z } from 'zod';
import { jsonResponse } from '../../platform/http/ApiRequest';
import type { RouteTable } from '../../platform/http/apiHandler';
import { conditionalHeaders } from '../../platform/http/conditionalHeaders';
import { parseInput } from '../../platform/http/parseInput';
import { readJsonBody } from '../../platform/http/readJsonBody';
import { resourceResponse } from '../../platform/http/resourceResponse';
import { checkOutboundUrl, isOutboundUrlRefused } from '../../platform/outbound/checkOutboundUrl';
import { notificationChannelSpecSchema, type NotificationChannelSpec } from '../../platform/events/schemas/notificationEvents';
import { resourceIdSchema } from '../../platform/registry/resourceId';
import { named, openObject, resourceDoc } from '../../platform/http/RouteDoc';
import { validationError } from '../../platform/store/DomainError';
import { isAppOwnSetting } from '../../platform/redis/cacheSecretSetting';
import { notifications, type Notifications } from './openNotifications';
import { ChannelSecretUnresolved, describeRef, resolveChannelSecret } from './resolveChannelSecret';

const params = z.object({ name: resourceIdSchema });

const channelMeta = z.object({ name: z.string(), version: z.int(), createdAt: z.string(), createdBy: z.string(), updatedAt: z.string(), updatedBy: z.string() });
const channelDoc = named('NotificationChannel', z.intersection(notificationChannelSpecSchema, channelMeta));
const specDoc = named('NotificationChannelSpec', notificationChannelSpecSchema);
const nameParam = { name: { description: 'channel name (a-z, 0-9, -)', schema: named('ResourceId', resourceIdSchema) } };
const missing = 'no such channel (channel_not_found)';

/**
 * Checks a channel before it is stored: its secret references resolve, and the URL passes the outbound guard's
 * static checks (the addresses are vetted again at every send: DNS may change). Errors name the field and the
 * reference, never the URL: it carries the webhook's token.
 */
async function checkChannel(n: Notifications, spec: NotificationChannelSpec): Promise<void> {
  const refs: [string, NotificationChannelSpec['url']][] = [['body.url', spec.url]];
  if (spec.kind === 'webhook') refs.push(['body.signingSecret', spec.signingSecret]);
  for (const [field, ref] of refs) {
    let value: string;
    try {
      value = await resolveChannelSecret(ref, n.delivery);
    } catch (error) {
      if (error instanceof ChannelSecretUnresolved) throw validationError('channel_secret_unresolved', error.message, [{ field, message: error.message }]);
      throw error;
    }
    if (field !== 'body.url') continue;
    // Parsed here first: the guard's own "not a URL" message would quote the value.
    if (!URL.canParse(value)) throw validationError('channel_url_refused', `the value of ${describeRef(ref)} is not a URL`, [{ field, message: 'not a URL' }]);
    try {
      const url = checkOutboundUrl(value, { allowedHosts: n.delivery.settings.allowedHosts, allowPrivateNetworks: spec.allowPrivateNetworks, allowListSetting: 'NOTIFY_ALLOWED_HOSTS' });
      if (url.protocol !== 'https:' && !spec.allowPrivateNetworks) throw validationError('channel_url_refused', 'the channel URL must be https', [{ field, message: 'https only (http is allowed with allowPrivateNetworks, for receivers inside the network)' }]);
    } catch (error) {
      // The guard's message names the host and the rule, never the path or query.
      if (isOutboundUrlRefused(error)) throw validationError('channel_url_refused', `the URL in the channel's reference is refused: ${error.message}`, [{ field, message: error.message }]);
      throw error;
    }
  }
}

/**
 * A channel's `env` references must not name the app's own settings (storage, API keys, topic key...): the URL one is
 * where messages are posted, so `AzureWebJobsStorage` or `API_KEYS` would become a destination or a signing key.
 */
function refuseAppSettingRefs(spec: NotificationChannelSpec): void {
  const refs: [string, { kind: string; name?: string }][] = [['body.url', spec.url], ...(spec.kind === 'webhook' ? [['body.signingSecret', spec.signingSecret] as [string, { kind: string; name?: string }]] : [])];
  const errors = refs
    .filter(([, ref]) => ref.kind === 'env' && ref.name !== undefined && isAppOwnSetting(ref.name))
    .map(([field, ref]) => ({ field: `${field}.name`, message: `'${ref.name}' is one of the app's own settings, never a channel secret` }));
  if (errors.length > 0) throw validationError('secret_ref_not_allowed', 'secret references may not name the app\'s own settings', errors);
}

/**
 * `/api/notification-channels/{name}`: GET (reader); PUT create/replace (admin: a channel sends cluster data out of
 * the network, and `allowPrivateNetworks` reaches inside it), `If-Match` / `If-None-Match`; DELETE (admin). Every
 * change is an event in the `notifications` stream (the audit log).
 */
export function channelRoutesFor(open: () => Promise<Notifications>): RouteTable {
  return {
    GET: {
      role: 'reader',
      doc: { operationId: 'getNotificationChannel', summary: 'Read a notification channel (secret references only)', params: nameParam, responses: { '200': resourceDoc(channelDoc, 'the channel'), '304': { description: 'not modified (If-None-Match)' }, '404': missing } },
      async handle({ req }) {
        const { name } = parseInput(params, req.params, 'params');
        return resourceResponse(req, 200, await (await open()).channels.get(name));
      },
    },
    PUT: {
      role: 'admin',
      doc: {
        operationId: 'putNotificationChannel',
        summary: 'Create or replace a notification channel (webhook, Teams, Slack); URL and signing key as secret references, checked by the outbound guard; audited',
        params: nameParam,
        headers: ['If-Match', 'If-None-Match'],
        body: { schema: specDoc },
        responses: {
          '200': resourceDoc(channelDoc, 'replaced'),
          '201': resourceDoc(channelDoc, 'created'),
          '412': 'If-Match / If-None-Match failed',
          '415': 'the body is not application/json',
        },
      },
      async handle({ req, body, change }) {
        const { name } = parseInput(params, req.params, 'params');
        const spec = readJsonBody(req.headers.get('content-type'), body, notificationChannelSpecSchema);
        refuseAppSettingRefs(spec);
        const n = await open();
        await checkChannel(n, spec);
        const { channel, created } = await n.channels.put(name, spec, change, conditionalHeaders(req));
        return resourceResponse(req, created ? 201 : 200, channel, created ? { location: `/api/notification-channels/${name}` } : {});
      },
    },
    DELETE: {
      role: 'admin',
      doc: { operationId: 'deleteNotificationChannel', summary: 'Remove a notification channel; audited', params: nameParam, headers: ['If-Match'], responses: { '204': { description: 'removed' }, '404': missing, '412': 'If-Match failed' } },
      async handle({ req, change }) {
        const { name } = parseInput(params, req.params, 'params');
        await (await open()).channels.remove(name, change, conditionalHeaders(req));
        return { status: 204, headers: {} };
      },
    },
  };
}

/** `GET /api/notification-channels` (reader): every channel, references only. */
export function channelListRoutesFor(open: () => Promise<Notifications>): RouteTable {
  return {
    GET: {
      role: 'reader',
      doc: { operationId: 'listNotificationChannels', summary: 'Notification channels with their routes (secret references only)', responses: { '200': { description: 'items', body: openObject('NotificationChannelList', 'items: every channel as GET /notification-channels/{name} returns it') } } },
      async handle() {
        return jsonResponse(200, { items: await (await open()).channels.list() });
      },
    },
  };
}

/** `GET /api/notification-channels/{name}/dead-letters` (reader): messages given up on, newest first, with why. */
export function deadLetterRoutesFor(open: () => Promise<Notifications>): RouteTable {
  return {
    GET: {
      role: 'reader',
      doc: {
        operationId: 'listNotificationDeadLetters',
        summary: 'Messages a channel did not accept after every retry, newest first, with the reason',
        params: nameParam,
        responses: { '200': { description: 'dead letters', body: openObject('NotificationDeadLetters', 'channel, items: noticeKey, eventId, eventType, clusterId, attempts, lastStatus, reason, failedAt, body (the rendered message)') }, '404': missing },
      },
      async handle({ req }) {
        const { name } = parseInput(params, req.params, 'params');
        const n = await open();
        await n.channels.get(name);
        return jsonResponse(200, { channel: name, items: await n.delivery.log.listDeadLetters(name) });
      },
    },
  };
}

export const channelRoutes = channelRoutesFor(notifications);
export const channelListRoutes = channelListRoutesFor(notifications);
export const deadLetterRoutes = deadLetterRoutesFor(notifications);

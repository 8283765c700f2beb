import { z } from 'zod';
import { envSecretRefSchema, keyVaultSecretRefSchema } from '../../registry/clusterSpec';
import { resourceIdSchema } from '../../registry/resourceId';

/** Where a channel's secret (its URL, its signing key) is: an app setting or a Key Vault secret, never the value. */
export const channelSecretRefSchema = z.discriminatedUnion('kind', [envSecretRefSchema, keyVaultSecretRefSchema]);

/** Notice families a route can pick; adding a notifiable event type maps it onto one of these. */
export const noticeFamilies = ['alert', 'job', 'warm', 'slots'] as const;

/** Severities, weakest first (a route's `minSeverity` lets that one and the stronger ones through). */
export const noticeSeverities = ['info', 'warning', 'critical'] as const;

/** Cluster ids, or a prefix ending in `*` (`prod-*`), or `*` for every cluster. */
const clusterPattern = z.string().regex(/^([a-z0-9][a-z0-9-]{0,62}\*?|\*)$/, "must be a cluster id, a prefix ending in '*', or '*'");

/** One routing rule: which clusters, from which severity, which families. A channel gets a notice when any rule matches. */
export const channelRouteSchema = z.strictObject({
  /** @default ['*'] (every cluster) */
  clusters: z.array(clusterPattern).min(1).max(50).default(['*']),
  /** @default 'warning' */
  minSeverity: z.enum(noticeSeverities).default('warning'),
  /** @default every family */
  families: z.array(z.enum(noticeFamilies)).min(1).optional(),
});

const common = {
  displayName: z.string().min(1).max(100).optional(),
  /** @default true */
  enabled: z.boolean().default(true),
  /** @default one route: every cluster, warning and above */
  routes: z.array(channelRouteSchema).min(1).max(20).default([{ clusters: ['*'], minSeverity: 'warning' }]),
  /** Lets the URL reach private addresses (a receiver inside the VNet); admin only, like warm sources. @default false */
  allowPrivateNetworks: z.boolean().default(false),
};

/**
 * A notification channel as an admin configures it. Webhook URLs carry tokens (Teams, Slack), so they are secret
 * references like cache passwords; the API shows the reference, never the URL.
 */
export const notificationChannelSpecSchema = z.discriminatedUnion('kind', [
  /** Generic JSON webhook: the body is signed with HMAC-SHA256 over `<timestamp>.<body>` (docs/monitoring.md). */
  z.strictObject({ kind: z.literal('webhook'), url: channelSecretRefSchema, signingSecret: channelSecretRefSchema, ...common }),
  /** Microsoft Teams: an Adaptive Card posted to an incoming webhook or a Workflows ("When a Teams webhook request is received") URL. */
  z.strictObject({ kind: z.literal('teams'), url: channelSecretRefSchema, ...common }),
  /** Slack incoming webhook (or a Slack-compatible one: Mattermost, Rocket.Chat): `text` + Block Kit `blocks`. */
  z.strictObject({ kind: z.literal('slack'), url: channelSecretRefSchema, ...common }),
]);
export type NotificationChannelSpec = z.infer<typeof notificationChannelSpecSchema>;

/** `RedisClusterManager.Notification.ChannelChanged`: a channel was created or replaced (references only). */
export const notificationChannelChangedData = z.strictObject({
  channel: resourceIdSchema,
  spec: notificationChannelSpecSchema,
  created: z.boolean(),
});

/** `RedisClusterManager.Notification.ChannelRemoved`: a channel was deleted; nothing more is sent to it. */
export const notificationChannelRemovedData = z.strictObject({ channel: resourceIdSchema });

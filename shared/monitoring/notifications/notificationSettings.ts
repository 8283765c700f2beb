import { z } from 'zod';
import { parseAllowedHosts } from '../../platform/outbound/checkOutboundUrl';
import { withoutEmptySettings } from '../../platform/config/withoutEmptySettings';

/**
 * Hosts notification URLs may reach by default: Slack incoming webhooks, Teams incoming webhooks (Office 365
 * connectors) and Teams Workflows (Power Automate / Logic Apps triggers). A generic webhook's host must be added.
 */
export const defaultNotifyHosts = ['hooks.slack.com', '*.webhook.office.com', '*.logic.azure.com', '*.powerplatform.com', '*.powerautomate.com'];

/** Settings of notification delivery, all optional with defaults (docs/monitoring.md → Notifications). */
export const notificationSettingsSchema = z.object({
  /** Comma-separated host allow-list of channel URLs (`*.example.com` for subdomains); replaces the default. @default Slack, Teams and Workflows hosts */
  NOTIFY_ALLOWED_HOSTS: z.string().optional(),
  /** Attempts per message and channel before it is dead-lettered. @default 4 */
  NOTIFY_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(10).default(4),
  /** First retry delay; doubled per attempt, with jitter, capped at 15 s. @default 1000 */
  NOTIFY_RETRY_BASE_MS: z.coerce.number().int().min(10).max(60_000).default(1000),
  /** Time one POST may take. @default 10000 */
  NOTIFY_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(10_000),
  /** Wall time all attempts of one message may take, so one invocation stays bounded. @default 25000 */
  NOTIFY_DELIVERY_BUDGET_MS: z.coerce.number().int().min(1000).max(300_000).default(25_000),
  /** How long delivery records (one message per incident) and dead letters are kept. @default 30 */
  NOTIFY_RECORD_RETENTION_DAYS: z.coerce.number().int().min(1).max(365).default(30),
});

export type NotificationSettings = z.output<typeof notificationSettingsSchema> & { allowedHosts: string[] };

/** Reads and validates the notification settings; one line per bad setting, naming it. */
export function notificationSettings(env: NodeJS.ProcessEnv = process.env): NotificationSettings {
  const result = notificationSettingsSchema.safeParse(withoutEmptySettings(env));
  if (!result.success) throw new Error(`invalid notification settings: ${result.error.issues.map((i) => `setting '${i.path.join('.')}' ${i.message}`).join('; ')}`);
  const hosts = parseAllowedHosts(result.data.NOTIFY_ALLOWED_HOSTS);
  return { ...result.data, allowedHosts: result.data.NOTIFY_ALLOWED_HOSTS === undefined ? defaultNotifyHosts : hosts };
}

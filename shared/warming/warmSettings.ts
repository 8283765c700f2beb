import { z } from 'zod';
import { InvalidSettingsError } from '../platform/config/InvalidSettingsError';
import { parseAllowedHosts } from '../platform/outbound/checkOutboundUrl';

/**
 * Warming settings, read from app settings (environment). Optional with defaults, so they live next to the area
 * (docs/architecture.md, "Settings", lists every setting of the app).
 */
export interface WarmSettings {
  /**
   * `WARM_HTTP_ALLOWED_HOSTS`: host names HTTP sources may use, comma-separated; `*.example.com` allows
   * subdomains. @default empty (HTTP sources are refused)
   */
  allowedHosts: string[];
  /** `WARM_SNAPSHOT_CONTAINER`: Blob container of hot-set snapshots. @default "warm-snapshots" */
  snapshotContainer: string;
}

const coolDownSchema = z.coerce.number().int().min(0).max(86_400).default(300);

export function warmSettings(env: NodeJS.ProcessEnv = process.env): WarmSettings {
  return {
    allowedHosts: parseAllowedHosts(env['WARM_HTTP_ALLOWED_HOSTS']),
    snapshotContainer: env['WARM_SNAPSHOT_CONTAINER'] || 'warm-snapshots', // empty = unset
  };
}

/**
 * `WARM_TRIGGER_COOLDOWN_SECONDS`: after an event-triggered warm (Azure maintenance) of a namespace finished, further
 * such events for it are coalesced into that warm for this long instead of starting another; 0 = only while it runs.
 * Read on its own, by the maintenance trigger only: an invalid value fails those deliveries (naming the setting), not
 * every warm (manual and scheduled warms are not held back by it). Blank = unset. @default 300
 */
export function warmTriggerCoolDownSeconds(env: NodeJS.ProcessEnv = process.env): number {
  const coolDown = coolDownSchema.safeParse(env['WARM_TRIGGER_COOLDOWN_SECONDS']?.trim() || undefined);
  if (!coolDown.success) throw new InvalidSettingsError([`setting 'WARM_TRIGGER_COOLDOWN_SECONDS' ${coolDown.error.issues[0]?.message ?? 'is invalid'}`]);
  return coolDown.data;
}

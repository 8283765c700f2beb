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

export function warmSettings(env: NodeJS.ProcessEnv = process.env): WarmSettings {
  return {
    allowedHosts: parseAllowedHosts(env['WARM_HTTP_ALLOWED_HOSTS']),
    snapshotContainer: env['WARM_SNAPSHOT_CONTAINER'] || 'warm-snapshots', // empty = unset
  };
}

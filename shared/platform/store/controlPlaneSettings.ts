import type { AppSettings } from '../config/appSettings';

/** The control-plane settings with their documented defaults applied (see `shared/platform/config/appSettings.ts`). */
export interface ControlPlaneSettings {
  tablePrefix: string;
  publishTimeoutMs: number;
  dedupeTtlSeconds: number;
  idempotencyTtlSeconds: number;
}

export function controlPlaneSettings(settings: AppSettings): ControlPlaneSettings {
  return {
    tablePrefix: settings.STATE_TABLE_PREFIX ?? 'rcm',
    publishTimeoutMs: settings.EVENTGRID_PUBLISH_TIMEOUT_MS ?? 5000,
    dedupeTtlSeconds: settings.EVENT_DEDUPE_TTL_SECONDS ?? 86_400,
    idempotencyTtlSeconds: settings.IDEMPOTENCY_KEY_TTL_SECONDS ?? 86_400,
  };
}

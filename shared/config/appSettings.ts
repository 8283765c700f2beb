import { z } from 'zod';

/**
 * Every app setting the function app reads, in one place. `infra/` sets each `requiredInAzure` one on the
 * Function App (a test checks that), `tools/start.ts` fills them with embedded defaults locally.
 */
export const appSettingsSchema = z.object({
  /**
   * Storage for control-plane state (tables) and warm sources/snapshots (blobs). Locally an Azurite
   * connection string; in Azure identity-based (`AzureWebJobsStorage__accountName`) instead.
   */
  AzureWebJobsStorage: z.string().min(1).optional(),
  /** Storage account name for identity-based connections (managed identity, no keys). */
  AzureWebJobsStorage__accountName: z.string().min(1).optional(),
  /** Client id of the user-assigned managed identity used for every Azure call. */
  AZURE_CLIENT_ID: z.string().min(1).optional(),
  /** Event Grid custom topic endpoint (CloudEvents 1.0 input schema). */
  EVENTGRID_TOPIC_ENDPOINT: z.url().optional(),
  /** Topic access key: local host only. In Azure the managed identity is used and no key is set. */
  EVENTGRID_TOPIC_KEY: z.string().min(1).optional(),
  /** Redis the manager itself checks on `/api/health`; locally the spawned redis-server. */
  REDIS_URL: z.string().min(1).optional(),
  /** Application Insights connection string; when set, telemetry goes to Azure Monitor. */
  APPLICATIONINSIGHTS_CONNECTION_STRING: z.string().min(1).optional(),
});

export type AppSettings = z.infer<typeof appSettingsSchema>;

/** Settings `infra/` must set on the Function App for the app to work in Azure. */
export const requiredInAzure = [
  'AzureWebJobsStorage__accountName',
  'AZURE_CLIENT_ID',
  'EVENTGRID_TOPIC_ENDPOINT',
  'APPLICATIONINSIGHTS_CONNECTION_STRING',
] as const satisfies readonly (keyof AppSettings)[];

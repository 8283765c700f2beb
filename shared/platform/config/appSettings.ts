import { z } from 'zod';
import { telemetryModes } from '../telemetry/telemetryMode';

/**
 * The app settings the whole app shares. `infra/` sets each `requiredInAzure` one on the Function App (a test
 * checks that), `tools/start.ts` fills them with embedded defaults locally. Tuning knobs that only one area reads,
 * all optional with defaults, live next to that area (`shared/monitoring/collection/monitoringSettings.ts`,
 * `shared/warming/warmSettings.ts`); docs/architecture.md lists them all.
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
  /**
   * More app settings an `env` secret reference may name (comma-separated), besides those starting with
   * `REDIS_SECRET_` or `REDIS_PASSWORD`. The app's own settings (storage, API keys, topic key...) are never allowed.
   * @default none
   */
  REDIS_SECRET_SETTINGS: z.string().optional(),
  /** Redis the manager itself checks on `/api/health`; locally the spawned redis-server. */
  REDIS_URL: z.string().min(1).optional(),
  /** Application Insights connection string; when set, telemetry goes to Azure Monitor (unless `TELEMETRY_MODE` says otherwise). */
  APPLICATIONINSIGHTS_CONNECTION_STRING: z.string().min(1).optional(),
  /**
   * Where traces and metrics go: `azure-monitor` (the distro, needs the connection string), `otlp` (OTLP/HTTP, set by
   * the standard `OTEL_EXPORTER_OTLP_*` variables), `console` (stdout) or `off` (docs/monitoring.md, Traces).
   * @default "azure-monitor" when APPLICATIONINSIGHTS_CONNECTION_STRING is set, else "off"
   */
  TELEMETRY_MODE: z.enum(telemetryModes).optional(),
  /**
   * API keys of the admin API, one `name:role:key` entry per line or `;` (role = reader | operator | admin, key at
   * least 24 characters). The name is the principal recorded in the audit log. In Azure set it from Key Vault
   * references; callers behind API Management may use Entra instead (see `APIM_SHARED_SECRET`).
   * @default none (only Entra principals forwarded by API Management are accepted)
   */
  API_KEYS: z.string().min(1).optional(),
  /**
   * Shared secret API Management sends in `x-rcm-apim-secret` after validating the caller's Entra token. Only when it
   * matches are the forwarded `x-rcm-principal` / `x-rcm-roles` headers trusted (otherwise anyone could forge them).
   * @default none (forwarded Entra headers are ignored)
   */
  APIM_SHARED_SECRET: z.string().min(24).optional(),
  /**
   * Application (client) id of the Entra app registration the console signs users in with (the API's own, whose app
   * roles are the manager's roles); set, the console offers "Sign in with Microsoft". Not a secret.
   * @default none (the console signs in with API keys only)
   */
  CONSOLE_ENTRA_CLIENT_ID: z.string().regex(/^[0-9a-fA-F-]{36}$/, 'must be an application (client) id').optional(),
  /** Directory (tenant) id of that app registration. @default none */
  CONSOLE_ENTRA_TENANT_ID: z.string().regex(/^[0-9a-fA-F-]{36}$/, 'must be a directory (tenant) id').optional(),
  /**
   * Sign-in authority: `https://login.microsoftonline.com/<tenant>` (sovereign clouds have their own hosts), or the
   * local Entra stand-in's URL in tests. Must be https.
   * @default "https://login.microsoftonline.com/<CONSOLE_ENTRA_TENANT_ID>"
   */
  CONSOLE_ENTRA_AUTHORITY: z.url({ protocol: /^https$/ }).optional(),
  /** Scope the console asks a token for. @default "<CONSOLE_ENTRA_CLIENT_ID>/.default" */
  CONSOLE_ENTRA_SCOPE: z.string().min(1).max(512).optional(),
  /**
   * Local only: PEM public key of the local Entra stand-in (tests, a dev loop without Entra). With it the app itself
   * validates `Authorization: Bearer` tokens of `CONSOLE_ENTRA_AUTHORITY` + `/v2.0` for `CONSOLE_ENTRA_CLIENT_ID`
   * (RS256, issuer, audience, expiry), the check API Management makes in Azure. Refused at startup in Azure
   * (`WEBSITE_SITE_NAME` set), where only APIM's forwarded identity is trusted.
   * @default none
   */
  LOCAL_ENTRA_STANDIN_PUBLIC_KEY: z.string().min(1).optional(),
  /**
   * Prefix of the control-plane tables (`<prefix>events`, `<prefix>dedupe`, `<prefix>idempotency`); letters and
   * digits, so several apps or test runs can share one storage account.
   * @default "rcm"
   */
  STATE_TABLE_PREFIX: z.string().regex(/^[A-Za-z][A-Za-z0-9]{0,40}$/).optional(),
  /**
   * Time budget of one inline Event Grid publish; past it the change still succeeds and the outbox relay publishes.
   * @default 5000
   */
  EVENTGRID_PUBLISH_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).optional(),
  /**
   * How long subscribers remember an event id to drop redeliveries (bounded, Event Grid retries for up to 24 h).
   * @default 86400
   */
  EVENT_DEDUPE_TTL_SECONDS: z.coerce.number().int().min(60).max(604_800).optional(),
  /**
   * How long a POST `Idempotency-Key` and its response are kept.
   * @default 86400
   */
  IDEMPOTENCY_KEY_TTL_SECONDS: z.coerce.number().int().min(60).max(604_800).optional(),
  /**
   * Wall time of one chunk of a long job (invalidation, TTL hygiene, warming); a job continues in the next
   * invocation from its checkpoint. Keep it well under the Event Grid delivery timeout (30 s).
   * @default 20000
   */
  JOB_CHUNK_BUDGET_MS: z.coerce.number().int().min(500).max(600_000).optional(),
  /**
   * How long a job's lease outlives its chunk budget; after that a crashed holder's job is taken over.
   * @default 10000
   */
  JOB_LEASE_GRACE_MS: z.coerce.number().int().min(100).max(600_000).optional(),
  /**
   * Days a finished job (its row and per-node cursors) is kept; the job sweeper purges older ones, reading only the
   * index of the days past it.
   * @default 30
   */
  JOB_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).optional(),
  /**
   * Deadline of every Table and Blob call, retries included (uploads get one more second per MiB); past it the call
   * fails as `storage_unavailable` (503 + Retry-After at the API) instead of hanging while storage does not answer.
   * @default 2500
   */
  STORAGE_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).optional(),
});

export type AppSettings = z.infer<typeof appSettingsSchema>;

/** Settings `infra/` must set on the Function App for the app to work in Azure. */
export const requiredInAzure = [
  'AzureWebJobsStorage__accountName',
  'AZURE_CLIENT_ID',
  'EVENTGRID_TOPIC_ENDPOINT',
  'APPLICATIONINSIGHTS_CONNECTION_STRING',
] as const satisfies readonly (keyof AppSettings)[];

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSettings } from '../../shared/platform/config/loadSettings';
import { monitoringSettings } from '../../shared/monitoring/collection/monitoringSettings';
import { notificationSettings } from '../../shared/monitoring/notifications/notificationSettings';
import { objectVarKeys, readSource, root } from './infraSource';
import { settingsRead } from './settingsRead';

const read = settingsRead(root);
const example = JSON.parse(readFileSync(join(root, 'local.settings.example.json'), 'utf8')) as { Values: Record<string, string> };
const architecture = readFileSync(join(root, 'docs', 'architecture.md'), 'utf8');
const bicep = objectVarKeys(readSource('infra/modules/functionApp.bicep'), 'appSettings');

/**
 * Settings infra/ deliberately does not set in Azure, each with why. Anything else the code reads must be in the
 * Bicep app settings: a new setting fails here until it is set there or listed with its reason.
 */
const notSetInAzure: Record<string, string> = {
  AzureWebJobsStorage: 'a connection string; Azure uses AzureWebJobsStorage__accountName with the managed identity',
  EVENTGRID_TOPIC_KEY: 'a key; Azure publishes with the managed identity (EventGrid Data Sender)',
  REDIS_URL: "local only: the Redis /api/health probes under npm start (registered caches are probed through their own registration)",
  API_KEYS: 'callers in Azure come through API Management with Entra; keys are an opt-in, best set as a Key Vault reference',
  REDIS_SECRET_SETTINGS: 'opt-in: names extra settings a cluster secretRef may read; none by default',
  WARM_HTTP_ALLOWED_HOSTS: 'opt-in allow-list; unset refuses HTTP warm sources, the safe default',
  NOTIFY_ALLOWED_HOSTS: 'opt-in allow-list of webhook hosts; the code default covers Teams and Slack',
  TELEMETRY_MODE: 'defaults to azure-monitor when APPLICATIONINSIGHTS_CONNECTION_STRING is set, which infra sets',
  CONSOLE_ENTRA_AUTHORITY: 'the default (login.microsoftonline.com + CONSOLE_ENTRA_TENANT_ID) is the public cloud; set only for a sovereign cloud',
  CONSOLE_ENTRA_SCOPE: "the default '<client id>/.default' is the API's own app registration",
  LOCAL_ENTRA_STANDIN_PUBLIC_KEY: 'local Entra stand-in only; the app refuses it in Azure (WEBSITE_SITE_NAME set)',
};
/** Tuning knobs with a default in code (docs/architecture.md lists it): infra sets them only to change them. */
const tuning = /^(EVENTGRID_PUBLISH_TIMEOUT_MS|EVENT_DEDUPE_TTL_SECONDS|IDEMPOTENCY_KEY_TTL_SECONDS|STATE_TABLE_PREFIX|STORAGE_TIMEOUT_MS|JOB_\w+|MONITOR_\w+|NOTIFY_(DELIVERY_BUDGET_MS|MAX_ATTEMPTS|RECORD_RETENTION_DAYS|RETRY_BASE_MS|TIMEOUT_MS)|WARM_BLOB_CONTAINERS|WARM_SNAPSHOT_CONTAINER)$/;

describe('every setting the code reads', () => {
  it('is found by the scan (from the platform config and every area settings module)', () => {
    const names = read.map((s) => s.name);
    expect(names.length).toBeGreaterThan(30);
    expect(names).toEqual(expect.arrayContaining(['AzureWebJobsStorage', 'API_KEYS', 'MONITOR_INTERVAL_SECONDS', 'NOTIFY_TIMEOUT_MS', 'WARM_SNAPSHOT_CONTAINER', 'WARM_BLOB_CONTAINERS']));
  });

  it.each(read.map((s) => [s.name, s.file]))('%s (read in %s) is named in local.settings.example.json', (name) => {
    expect(Object.keys(example.Values)).toContain(name);
  });

  it.each(read.map((s) => [s.name, s.file]))("%s (read in %s) is in docs/architecture.md's settings table", (name) => {
    expect(architecture).toContain(`\`${name}\``);
  });

  it.each(read.map((s) => [s.name, s.file]))('%s (read in %s) is set by infra/modules/functionApp.bicep or listed with why not', (name) => {
    if (bicep.includes(name)) return;
    expect(notSetInAzure[name] ?? (tuning.test(name) ? 'tuning knob with a default in code' : undefined), `${name}: set it in functionApp.bicep, or say here why Azure does not need it`).toBeDefined();
  });

  it('lists no setting the code does not read', () => {
    const names = new Set(read.map((s) => s.name));
    expect(Object.keys(example.Values).filter((n) => !names.has(n) && n !== 'FUNCTIONS_WORKER_RUNTIME')).toEqual([]);
    expect(Object.keys(notSetInAzure).filter((n) => !names.has(n))).toEqual([]);
  });
});

describe('the example file as func start would load it', () => {
  it('is valid as it stands: empty values mean unset, so every default applies', () => {
    const env = { ...example.Values };
    expect(loadSettings(env)).toMatchObject({ AzureWebJobsStorage: 'UseDevelopmentStorage=true' });
    expect(loadSettings(env).API_KEYS).toBeUndefined();
    expect(monitoringSettings(env).MONITOR_INTERVAL_SECONDS).toBe(60);
    expect(notificationSettings(env).NOTIFY_MAX_ATTEMPTS).toBeGreaterThan(0);
  });

  it('explains that func start needs API_KEYS (npm start makes its own)', () => {
    const notes = (JSON.parse(readFileSync(join(root, 'local.settings.example.json'), 'utf8')) as { '//': string[] })['//'].join(' ');
    expect(notes).toMatch(/func start.*set API_KEYS yourself.*401/);
    expect(notes).toMatch(/name:role:key/);
  });
});

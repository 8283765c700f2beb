/** Prefixes of app settings meant to hold cache credentials; an `env` secret reference may name these. */
export const cacheSecretPrefixes: readonly string[] = ['REDIS_SECRET_', 'REDIS_PASSWORD'];

/** The setting listing more names an `env` reference may use (comma-separated), for settings named otherwise. */
export const cacheSecretAllowListSetting = 'REDIS_SECRET_SETTINGS';

/**
 * The app's own secrets and the platform's settings: never a cache password, so never sent to a Redis server,
 * even when allow-listed by mistake. (A registration naming `AzureWebJobsStorage` made the manager send the
 * storage account key as `AUTH` to whatever host the registration named.)
 */
const ownSettings = /^(AzureWebJobs|WEBSITE_|FUNCTIONS_|APPSETTING_|AZURE_|IDENTITY_|MSI_|APPLICATIONINSIGHTS_|EVENTGRID_|APIM_|API_KEYS$|REDIS_URL$|REDIS_SECRET_SETTINGS$|LOCAL_|STATE_TABLE_PREFIX$)/i;

/** True for the app's own and the platform's settings: no secret reference of any kind may name them. */
export function isAppOwnSetting(name: string): boolean {
  return ownSettings.test(name);
}

/**
 * Why an `env` secret reference may not name `name`, or null when it may: it must start with one of
 * `cacheSecretPrefixes` or be listed in `REDIS_SECRET_SETTINGS`, and must never be one of the app's own settings.
 */
export function cacheSecretSettingRefusal(name: string, env: NodeJS.ProcessEnv = process.env): string | null {
  if (ownSettings.test(name)) return `'${name}' is one of the app's own settings, never a cache credential`;
  if (cacheSecretPrefixes.some((p) => name.startsWith(p))) return null;
  const listed = (env[cacheSecretAllowListSetting] ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  if (listed.includes(name)) return null;
  return `'${name}' is not a cache credential setting: name it ${cacheSecretPrefixes.map((p) => `${p}…`).join(' or ')}, or list it in ${cacheSecretAllowListSetting}`;
}

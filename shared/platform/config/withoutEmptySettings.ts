/**
 * The environment without settings whose value is the empty string: an empty app setting (as `local.settings.json`
 * and the portal allow) means "not set", so the documented default applies instead of a validation error.
 */
export function withoutEmptySettings(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ''));
}

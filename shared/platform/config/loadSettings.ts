import { appSettingsSchema, type AppSettings } from './appSettings';
import { InvalidSettingsError } from './InvalidSettingsError';
import { withoutEmptySettings } from './withoutEmptySettings';

/**
 * Reads and validates the app settings from the environment. Fails with one line per bad setting, naming it,
 * and never echoes a value (settings hold secrets).
 */
export function loadSettings(env: NodeJS.ProcessEnv = process.env): AppSettings {
  const result = appSettingsSchema.safeParse(withoutEmptySettings(env));
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => `setting '${issue.path.join('.')}' ${issue.message}`);
  throw new InvalidSettingsError(problems);
}

/**
 * The app's settings fail validation. Its message names each bad setting and what is wrong with it, never a value
 * (settings hold secrets), so the API may show it: a 500 `invalid_settings` that tells the operator what to fix,
 * rather than a bare internal error.
 */
export class InvalidSettingsError extends Error {
  readonly code = 'invalid_settings';

  constructor(readonly problems: readonly string[]) {
    super(`invalid app settings: ${problems.join('; ')}`);
    this.name = 'InvalidSettingsError';
  }
}

/** Type guard (by name, so it holds across module copies). */
export function isInvalidSettingsError(error: unknown): error is InvalidSettingsError {
  return error instanceof Error && error.name === 'InvalidSettingsError';
}

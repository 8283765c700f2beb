/**
 * Exit codes of `rcm` (docs/cli.md). Scripts branch on them, so they are part of the interface.
 * `check` keeps redis-cli's own convention: 0 healthy, 1 any [WARNING]/[ERR].
 */
export const exitCodes = {
  ok: 0,
  /** A check found problems, a job failed or was cancelled, or the API answered 5xx. */
  failure: 1,
  /** Bad flags or arguments, or input the API refused as invalid (400/415/422). */
  usage: 2,
  /** Missing or rejected credentials, or a role too small (401/403). */
  auth: 3,
  /** The cluster, namespace or job does not exist (404). */
  notFound: 4,
  /** A conflict: protected namespace, lost race, stale ETag, finished job (409/412). */
  conflict: 5,
  /** The API or the cluster cannot be reached or is overloaded (connection refused, timeout, 503). */
  unavailable: 6,
  /** Interrupted (Ctrl-C) outside a job watch. */
  interrupted: 130,
} as const;

export type ExitCode = (typeof exitCodes)[keyof typeof exitCodes];

/** An error meant for the operator: printed as title, detail and fields, never as a stack trace. */
export class CliError extends Error {
  readonly exitCode: ExitCode;
  readonly title: string;
  readonly code: string | undefined;
  readonly fields: ReadonlyArray<{ field: string; message: string }>;
  /** What to do next (clig.dev: an error says what went wrong and what to do). */
  readonly hint: string | undefined;

  constructor(
    exitCode: ExitCode,
    title: string,
    detail: string,
    options: { code?: string; fields?: ReadonlyArray<{ field: string; message: string }>; hint?: string } = {},
  ) {
    super(detail);
    this.name = 'CliError';
    this.exitCode = exitCode;
    this.title = title;
    this.code = options.code;
    this.fields = options.fields ?? [];
    this.hint = options.hint;
  }
}

/** A usage error: bad flags or arguments (exit 2), with the command's usage line as the hint. */
export function usageError(detail: string, hint?: string): CliError {
  return new CliError(exitCodes.usage, 'Usage error', detail, hint === undefined ? {} : { hint });
}

/** Type guard for {@link CliError}. */
export function isCliError(e: unknown): e is CliError {
  return e instanceof CliError;
}

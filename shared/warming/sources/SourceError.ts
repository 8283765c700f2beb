/** A source could not be opened or broke mid-stream: the engine retries it from the last checkpoint with backoff. */
export class SourceError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'SourceError';
  }
}

export function isSourceError(error: unknown): boolean {
  return error instanceof Error && error.name === 'SourceError';
}

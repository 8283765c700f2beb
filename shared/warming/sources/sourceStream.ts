import { SourceError } from './SourceError';

/** Re-labels anything a source stream throws as a `SourceError`, so the engine retries it from its checkpoint. */
export async function* sourceStream(stream: AsyncIterable<Buffer | string>, describe: string): AsyncGenerator<Buffer> {
  try {
    for await (const chunk of stream) yield typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
  } catch (error) {
    if (error instanceof Error && (error.name === 'SourceError' || error.name === 'WarmFailure')) throw error;
    throw new SourceError(`${describe}: reading failed (${error instanceof Error ? ((error as NodeJS.ErrnoException).code ?? error.message) : 'error'})`, { cause: error });
  }
}

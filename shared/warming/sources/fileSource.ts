import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { SourceError } from './SourceError';
import { sourceStream } from './sourceStream';
import type { TextSourceReader } from './WarmSourceReader';

/**
 * A local NDJSON / JSON-array file read from a byte offset. Not a plan source (a function app has no useful local
 * disk); the benchmarks and tools warm from files with it.
 */
export function fileSource(path: string, format: 'ndjson' | 'json-array'): TextSourceReader {
  const describe = `file ${path}`;
  let size: number | null = null;
  return {
    kind: 'text',
    format,
    describe,
    async open(from) {
      try {
        size = (await stat(path)).size;
      } catch (error) {
        throw new SourceError(`${describe}: ${(error as NodeJS.ErrnoException).code ?? 'cannot read'}`, { cause: error });
      }
      return sourceStream(createReadStream(path, { start: from.offset, highWaterMark: 256 * 1024 }), describe);
    },
    sizeBytes: () => size,
  };
}

import type { BlobServiceClient } from '@azure/storage-blob';
import { SourceError } from './SourceError';
import { WarmFailure } from '../WarmFailure';
import { sourceStream } from './sourceStream';
import type { TextSourceReader } from './WarmSourceReader';

/**
 * An NDJSON / JSON-array blob, downloaded as a stream from the checkpoint's byte offset (a ranged GET), so a
 * resumed chunk never re-reads what was written before.
 */
export function blobSource(service: BlobServiceClient, container: string, blob: string, format: 'ndjson' | 'json-array'): TextSourceReader {
  const describe = `blob ${container}/${blob}`;
  let size: number | null = null;
  return {
    kind: 'text',
    format,
    describe,
    async open(from) {
      const client = service.getContainerClient(container).getBlobClient(blob);
      let response;
      try {
        response = await client.download(from.offset, undefined, { maxRetryRequests: 5 });
      } catch (error) {
        const status = (error as { statusCode?: number }).statusCode;
        if (status === 404) throw new WarmFailure('source_unreachable', `${describe} does not exist`, true);
        if (status === 416 && from.offset > 0) return (async function* () {})();
        throw new SourceError(`${describe}: ${status ? `HTTP ${status}` : ((error as NodeJS.ErrnoException).code ?? (error as Error).message)}`, { cause: error });
      }
      // A ranged GET answers the bytes from the offset on: the whole blob is the offset plus those.
      if (response.contentLength !== undefined) size = from.offset + response.contentLength;
      const body = response.readableStreamBody;
      if (!body) throw new SourceError(`${describe}: no body`);
      return sourceStream(body as AsyncIterable<Buffer>, describe);
    },
    sizeBytes: () => size,
  };
}

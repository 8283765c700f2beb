import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { pinnedLookup } from '../../platform/outbound/vetOutboundUrl';
import { WarmFailure } from '../WarmFailure';
import { SourceError } from './SourceError';
import { vetSourceUrl, type UrlPolicy } from './vetSourceUrl';
import type { TextSourceReader } from './WarmSourceReader';

export interface HttpSourceOptions {
  url: string;
  format: 'ndjson' | 'json-array';
  policy: UrlPolicy;
  /** Largest body accepted (counted from offset 0). */
  maxBytes: number;
  /** Time limit of one request, from connect to the last byte. */
  timeoutMs: number;
  /** Redirects followed; each target is vetted like the original URL. @default 3 */
  maxRedirects?: number;
  /** DNS lookup (tests resolve made-up names with it). @default dns.promises.lookup */
  resolve?: Parameters<typeof vetSourceUrl>[2];
}

/**
 * An HTTP(S) endpoint streamed as NDJSON or a JSON array. Every request (and every redirect) is vetted
 * (`vetSourceUrl`) and connects to the vetted address only; size and time limits are enforced while streaming.
 * A resume asks for `Range: bytes=<offset>-` and skips the bytes itself when the server ignores ranges.
 */
export function httpSource(options: HttpSourceOptions): TextSourceReader {
  const shown = new URL(options.url);
  const describe = `${shown.protocol}//${shown.host}${shown.pathname}`;
  let size: number | null = null;
  return {
    kind: 'text',
    format: options.format,
    describe,
    async open(from) {
      const response = await get(options, options.url, from.offset, options.maxRedirects ?? 3);
      size = bodySize(response, from.offset) ?? size;
      return limited(response, options, from.offset, describe);
    },
    sizeBytes: () => size,
  };
}

/**
 * The whole body's size from the answer's headers, when the server says it: `Content-Range: bytes a-b/total` of a
 * 206, else the offset plus `Content-Length` (a 206 without a total), or `Content-Length` of a 200. Null for a chunked
 * answer without a length (the job then shows counts without a total).
 */
export function bodySize(response: Pick<IncomingMessage, 'statusCode' | 'headers'>, offset: number): number | null {
  if (response.statusCode === 206) {
    const total = /\/(\d+)\s*$/.exec(String(response.headers['content-range'] ?? ''))?.[1];
    if (total !== undefined) return Number(total);
  }
  const length = Number(response.headers['content-length'] ?? NaN);
  if (!Number.isFinite(length) || length < 0) return null;
  if (response.statusCode === 206) return offset + length;
  return response.statusCode === 200 ? length : null;
}

async function get(options: HttpSourceOptions, url: string, offset: number, redirectsLeft: number): Promise<IncomingMessage> {
  const vetted = await vetSourceUrl(url, options.policy, options.resolve);
  const pinned = pinnedLookup(vetted);
  const request = vetted.url.protocol === 'https:' ? httpsRequest : httpRequest;
  const response = await new Promise<IncomingMessage>((resolve, reject) => {
    const req = request(vetted.url, { method: 'GET', lookup: pinned, headers: { accept: 'application/x-ndjson, application/json', ...(offset > 0 ? { range: `bytes=${offset}-` } : {}) }, timeout: options.timeoutMs }, resolve);
    req.on('timeout', () => req.destroy(new Error(`no response within ${options.timeoutMs} ms`)));
    req.on('error', (error) => reject(new SourceError(`${vetted.url.host}: ${(error as NodeJS.ErrnoException).code ?? error.message}`, { cause: error })));
    req.end();
  });
  const status = response.statusCode ?? 0;
  if (status >= 300 && status < 400 && response.headers.location) {
    response.resume();
    if (redirectsLeft <= 0) throw new WarmFailure('source_refused', `too many redirects from ${vetted.url.host}`, false);
    return get(options, new URL(response.headers.location, vetted.url).toString(), offset, redirectsLeft - 1);
  }
  if (status === 416 && offset > 0) return response; // nothing after the offset: an empty stream
  if (status >= 500 || status === 429 || status === 408) {
    response.resume();
    throw new SourceError(`${vetted.url.host} answered HTTP ${status}`);
  }
  if (status !== 200 && status !== 206) {
    response.resume();
    throw new WarmFailure('source_unreachable', `${vetted.url.host}${vetted.url.pathname} answered HTTP ${status}`, status === 404 ? true : false);
  }
  const length = Number(response.headers['content-length'] ?? NaN);
  if (Number.isFinite(length) && length + (status === 206 ? offset : 0) > options.maxBytes) {
    response.destroy();
    throw new WarmFailure('source_too_large', `${vetted.url.host}${vetted.url.pathname} is ${length} bytes, over maxBytes ${options.maxBytes}`, false);
  }
  return response;
}

/** The body from `offset` on, within the size and time limits; skips the prefix when the server sent it all (200). */
async function* limited(response: IncomingMessage, options: HttpSourceOptions, offset: number, describe: string): AsyncGenerator<Buffer> {
  if (response.statusCode === 416) {
    response.resume();
    return;
  }
  let toSkip = response.statusCode === 206 ? 0 : offset;
  let total = response.statusCode === 206 ? offset : 0;
  const deadline = Date.now() + options.timeoutMs;
  try {
    for await (const raw of response as AsyncIterable<Buffer>) {
      total += raw.length;
      if (total > options.maxBytes) throw new WarmFailure('source_too_large', `${describe} sent more than maxBytes ${options.maxBytes}`, false);
      if (Date.now() > deadline) throw new SourceError(`${describe}: the response took longer than ${options.timeoutMs} ms`);
      let chunk = raw;
      if (toSkip > 0) {
        const n = Math.min(toSkip, chunk.length);
        toSkip -= n;
        chunk = chunk.subarray(n);
        if (chunk.length === 0) continue;
      }
      yield chunk;
    }
  } catch (error) {
    if (error instanceof Error && (error.name === 'WarmFailure' || error.name === 'SourceError')) throw error;
    throw new SourceError(`${describe}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, { cause: error });
  } finally {
    response.destroy();
  }
}

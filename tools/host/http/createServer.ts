import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { problem, type HostRequest, type HostResponse } from '../core/hostTypes.js';
import type { HostLogger } from '../core/hostLogger.js';

/** The real host rejects bodies over 100 MB. */
const maxBodyBytes = 100 * 1024 * 1024;

/**
 * Reads the body up to `maxBodyBytes`: a declared `content-length` over it is refused before a byte is read, and a
 * chunked body stops being read (and buffered) the moment it passes the limit.
 */
function readBody(req: IncomingMessage): Promise<Buffer | 'tooLarge'> {
  if (Number(req.headers['content-length'] ?? 0) > maxBodyBytes) return Promise.resolve('tooLarge');
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBodyBytes) return void chunks.push(chunk);
      req.off('data', onData);
      chunks.length = 0;
      resolve('tooLarge');
    };
    req.on('data', onData);
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/**
 * True when the raw request path has a `.` or `..` segment, plain or percent-encoded (`%2e`), split at `/` or `\`
 * (URL parsing treats both as separators for http). `new URL` would resolve it, so `/clusters/fz/namespaces/%2e%2e`
 * reached `DELETE /clusters/fz`: refused before anything is routed.
 */
export function hasDotSegment(rawUrl: string): boolean {
  const path = rawUrl.split(/[?#]/, 1)[0] ?? '';
  return path.split(/[/\\]/).some((segment) => /^(?:\.|%2e){1,2}$/i.test(segment));
}

function toHeaders(req: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

function send(res: ServerResponse, response: HostResponse): void {
  if (res.headersSent || res.destroyed) return;
  const body = response.body ?? '';
  res.writeHead(response.status, { ...response.headers, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

/** After a refusal, at most this much of the body is read (and dropped) before the connection is cut. @default 16 MiB */
const lingerBytes = 16 * 1024 * 1024;
/** ...or for at most this long. @default 2000 */
const lingerMs = 2000;

/**
 * Answers without keeping any of the body. The rest of it is read and dropped for a short while (a "lingering
 * close": cutting the connection at once would reset it before a client still sending has read the answer), then the
 * connection is closed. Memory stays flat however large or endless the upload.
 */
function refuse(req: IncomingMessage, res: ServerResponse, response: HostResponse): void {
  if (res.headersSent || res.destroyed) return;
  // No `connection: close`: Node would then cut the socket as soon as the answer is written, resetting it under a
  // client still sending (which then never sees the answer). The linger below closes it instead.
  send(res, response);
  if (req.complete) return;
  let dropped = 0;
  const cut = () => req.socket.destroy();
  const timer = setTimeout(cut, lingerMs);
  timer.unref();
  req.socket.once('close', () => clearTimeout(timer));
  req.on('data', (chunk: Buffer) => {
    dropped += chunk.length;
    if (dropped > lingerBytes) cut();
  });
  req.resume();
}

/** What the host knows before the body: answers a refusal (unknown route, method, missing or wrong key) or undefined to go on. */
export type HeadCheck = (req: Omit<HostRequest, 'body'>) => HostResponse | undefined;

/**
 * The HTTP front door: checks what the headers decide (`check`: route, method, keys) before the body is read, then
 * reads the body (bounded), hands it to `handle`, writes the answer. Anything that goes wrong per request becomes a
 * JSON error for that request only; the server keeps serving.
 */
export function createHostServer(handle: (req: HostRequest) => Promise<HostResponse>, logger: HostLogger, check: HeadCheck = () => undefined): Server {
  const server = createServer((req, res) => {
    void (async () => {
      try {
        if (hasDotSegment(req.url ?? '/')) {
          return refuse(req, res, problem(400, 'DotSegment', "'.' and '..' path segments (also encoded as %2e) are not allowed"));
        }
        let url: URL;
        try {
          url = new URL(req.url ?? '/', `http://${req.headers.host ?? 'localhost'}`);
        } catch {
          return refuse(req, res, problem(400, 'BadRequest', 'the request URL is malformed'));
        }
        const head = { method: (req.method ?? 'GET').toUpperCase(), url, headers: toHeaders(req) };
        const refused = check(head);
        if (refused) return refuse(req, res, refused);
        const body = await readBody(req);
        if (body === 'tooLarge') return refuse(req, res, problem(413, 'PayloadTooLarge', 'request bodies are limited to 100 MB'));
        send(res, await handle({ ...head, body }));
      } catch (err) {
        logger.host('error', `Request ${req.method} ${req.url?.split('?')[0]} failed in the host: ${err instanceof Error ? err.message : String(err)}`);
        send(res, problem(500, 'HostError', 'the host failed to process the request'));
      }
    })();
  });
  server.on('clientError', (_err, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nContent-Type: application/problem+json\r\nConnection: close\r\n\r\n{"status":400,"code":"BadRequest","detail":"malformed HTTP request"}');
    else socket.destroy();
  });
  return server;
}

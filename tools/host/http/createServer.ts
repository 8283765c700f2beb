import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { problem, type HostRequest, type HostResponse } from '../core/hostTypes.js';
import type { HostLogger } from '../core/hostLogger.js';

/** The real host rejects bodies over 100 MB. */
const maxBodyBytes = 100 * 1024 * 1024;

function readBody(req: IncomingMessage): Promise<Buffer | 'tooLarge'> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBodyBytes) tooLarge = true;
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(tooLarge ? 'tooLarge' : Buffer.concat(chunks)));
    req.on('error', reject);
  });
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

/**
 * The HTTP front door: reads each request fully, hands it to `handle`, writes the answer. Anything that
 * goes wrong per request becomes a JSON error for that request only; the server keeps serving.
 */
export function createHostServer(handle: (req: HostRequest) => Promise<HostResponse>, logger: HostLogger): Server {
  const server = createServer((req, res) => {
    void (async () => {
      try {
        let url: URL;
        try {
          url = new URL(req.url ?? '/', `http://${req.headers.host ?? 'localhost'}`);
        } catch {
          return send(res, problem(400, 'BadRequest', 'the request URL is malformed'));
        }
        const body = await readBody(req);
        if (body === 'tooLarge') return send(res, problem(413, 'PayloadTooLarge', 'request bodies are limited to 100 MB'));
        send(res, await handle({ method: (req.method ?? 'GET').toUpperCase(), url, headers: toHeaders(req), body }));
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

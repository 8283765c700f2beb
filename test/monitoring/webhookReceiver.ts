import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request a receiver got, with the status it answered. */
export interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  answered: number;
}

export interface WebhookReceiver {
  /** `http://127.0.0.1:<port>` */
  url: string;
  received: Received[];
  /** Requests it accepted (2xx) on `path`. */
  accepted(path: string): Received[];
  /** Answer the next requests on `path` with these statuses, in order (then 200 again). */
  failNext(path: string, ...statuses: number[]): void;
  /** Answer every request on `path` with this status. */
  failAlways(path: string, status: number): void;
  close(): Promise<void>;
}

/** A real HTTP server standing in for Slack / Teams / a customer's webhook endpoint: records what arrives. */
export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const received: Received[] = [];
  const scripted = new Map<string, number[]>();
  const always = new Map<string, number>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = req.url ?? '/';
      const status = always.get(path) ?? scripted.get(path)?.shift() ?? 200;
      received.push({ path, headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), answered: status });
      res.writeHead(status, { 'content-type': 'text/plain' }).end(status < 300 ? '1' : 'no');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    accepted: (path) => received.filter((r) => r.path === path && r.answered < 300),
    failNext: (path, ...statuses) => scripted.set(path, [...(scripted.get(path) ?? []), ...statuses]),
    failAlways: (path, status) => always.set(path, status),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local stand-in for an Event Grid topic's input endpoint (CloudEvents batch over HTTP, `aeg-sas-key` checked),
 * so the real `EventGridPublisherClient` can be pointed at it, stopped and started again on the same port.
 */
export class TopicReceiver {
  readonly received: Record<string, unknown>[] = [];
  private server: Server | undefined;

  constructor(
    readonly key: string,
    public port = 0,
  ) {}

  get endpoint(): string {
    return `http://127.0.0.1:${this.port}/api/events`;
  }

  async start(): Promise<void> {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        if (req.headers['aeg-sas-key'] !== this.key) {
          res.writeHead(401).end();
          return;
        }
        const batch = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>[];
        this.received.push(...batch);
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve, reject) => server.once('error', reject).listen(this.port, '127.0.0.1', resolve));
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

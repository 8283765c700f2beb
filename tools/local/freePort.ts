import { createServer } from 'node:net';

/**
 * Asks the kernel for a currently free TCP port on `host`.
 * The port is released before it is returned, so callers must tolerate a lost race (retry on EADDRINUSE).
 * @param host interface to probe. @default '127.0.0.1'
 */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return listenOnce(0, host).then((port) => {
    if (port === undefined) throw new Error(`could not obtain a free port on ${host}`);
    return port;
  });
}

/** True when `port` can be bound on `host` right now. */
export async function isPortFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  return (await listenOnce(port, host)) !== undefined;
}

/**
 * A port P with P and P+10000 both free, as a Redis Cluster node needs (data port + cluster bus).
 * Chosen in [10000, 22000) so that neither port falls in Linux's ephemeral range (32768+),
 * where outgoing connections and `freePort()` would race with us.
 */
export async function freeClusterPort(host = '127.0.0.1'): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = 10000 + Math.floor(Math.random() * 12000);
    if ((await isPortFree(port, host)) && (await isPortFree(port + 10000, host))) return port;
  }
  throw new Error(`no free port pair (P, P+10000) found on ${host}`);
}

function listenOnce(port: number, host: string): Promise<number | undefined> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolve(undefined));
    server.listen({ port, host, exclusive: true }, () => {
      const address = server.address();
      const bound = typeof address === 'object' && address !== null ? address.port : undefined;
      server.close(() => resolve(bound));
    });
  });
}

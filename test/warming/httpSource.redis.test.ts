import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { httpSource, type HttpSourceOptions } from '../../shared/warming/sources/httpSource';
import { vetSourceUrl } from '../../shared/warming/sources/vetSourceUrl';
import { connectStandalone, keyPrefix, scanAll } from '../helpers/redis';
import { inject } from 'vitest';
import { plan, targetOf, warmAll } from './fixtures';

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

/** A loopback HTTP server of this test, counting connections; only loopback servers the test starts get traffic. */
async function serve(handler: (req: IncomingMessage, res: ServerResponse, n: number) => void): Promise<{ port: number; connections: () => number; requests: IncomingMessage[] }> {
  let connections = 0;
  let n = 0;
  const requests: IncomingMessage[] = [];
  const server = createServer((req, res) => {
    requests.push(req);
    handler(req, res, n++);
  });
  server.on('connection', () => (connections += 1));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  servers.push(server);
  return { port: (server.address() as AddressInfo).port, connections: () => connections, requests };
}

const refused = { code: 'source_refused' };
const noLookup = () => Promise.reject(new Error('must not resolve'));

describe('warm source URL guard (refused before any connection)', () => {
  const policy = { allowedHosts: ['data.example.com', '*.cdn.example.net', '127.0.0.1'], allowPrivateNetworks: false };
  it.each([
    ['http://169.254.169.254/latest/meta-data/', 'link-local (includes the cloud metadata endpoint 169.254.169.254)'],
    ['http://127.0.0.1:6379/', 'address 127.0.0.1 is loopback'],
    ['http://[::1]/', 'address ::1 is loopback'],
    ['http://[::ffff:127.0.0.1]/', 'loopback'],
    ['http://10.1.2.3/', 'private'],
    ['http://172.20.0.1/', 'private'],
    ['http://192.168.1.1/', 'private'],
    ['http://100.64.0.1/', 'carrier-grade NAT'],
    ['http://0.0.0.0/', 'unspecified'],
    ['http://[fd00::1]/', 'unique local'],
    ['http://[fe80::1]/', 'link-local'],
    ['http://224.0.0.1/', 'multicast'],
    ['http://localhost:8080/', 'this machine or a metadata service'],
    ['http://metadata.google.internal/', 'this machine or a metadata service'],
    ['http://user:pw@data.example.com/', 'credentials in the URL'],
    ['ftp://data.example.com/x', 'ftp: URLs are not allowed'],
    ['https://evil.example.org/x.ndjson', "host 'evil.example.org' is not in WARM_HTTP_ALLOWED_HOSTS"],
  ])('%s', async (url, why) => {
    await expect(vetSourceUrl(url, policy, noLookup as never)).rejects.toMatchObject({ ...refused, message: expect.stringContaining(why) });
  });

  it('refuses a host name that resolves to any private address (all answers are checked)', async () => {
    const resolve = async () => [
      { address: '93.184.216.34', family: 4 },
      { address: '10.0.0.5', family: 4 },
    ];
    await expect(vetSourceUrl('https://data.example.com/x', policy, resolve as never)).rejects.toMatchObject({
      ...refused,
      message: "host 'data.example.com' resolves to 10.0.0.5, which is private; refused (allowPrivateNetworks is off)",
    });
    await expect(vetSourceUrl('https://a.cdn.example.net/x', policy, (async () => [{ address: '93.184.216.34', family: 4 }]) as never)).resolves.toMatchObject({ address: '93.184.216.34' });
  });

  it('never opens a connection for a refused URL', async () => {
    const server = await serve((_req, res) => res.end('{}'));
    const source = httpSource({ url: `http://127.0.0.1:${server.port}/x.ndjson`, format: 'ndjson', policy, maxBytes: 1000, timeoutMs: 2000 });
    await expect(source.open({ offset: 0, line: 0 })).rejects.toMatchObject({ ...refused, message: expect.stringContaining('loopback') });
    expect(server.connections()).toBe(0);
  });
});

describe('HTTP warm source (loopback servers with allowPrivateNetworks)', () => {
  const records = (n: number) => Array.from({ length: n }, (_, i) => JSON.stringify({ id: i, value: `h${i}` })).join('\n') + '\n';
  const namespace = (prefix: string) => ({ keyPattern: `${prefix}*`, ttlSeconds: 600, ttlJitterPercent: 0 });
  const warmFrom = async (options: Partial<HttpSourceOptions> & { url: string }, prefix: string, planOverrides: Record<string, unknown> = {}) => {
    const source = httpSource({ format: 'ndjson', policy: { allowedHosts: ['127.0.0.1', 'warm-source.test'], allowPrivateNetworks: true }, maxBytes: 10_000_000, timeoutMs: 5000, ...options });
    const p = plan({ source: { kind: 'http', url: options.url, allowPrivateNetworks: true }, mapping: { key: `${prefix}{id}` }, ...planOverrides });
    const { host, port } = inject('redisStandalone');
    return warmAll({ target: targetOf('standalone', [{ host, port }]), plan: p, source, namespace: namespace(prefix) });
  };

  it('connects to the vetted address only (DNS pinned), streams the body and writes every record', async () => {
    const body = records(500);
    const server = await serve((_req, res) => res.end(body));
    const prefix = keyPrefix('http');
    const resolve = async () => [{ address: '127.0.0.1', family: 4 }];
    const { counts } = await warmFrom({ url: `http://warm-source.test:${server.port}/data.ndjson`, resolve: resolve as never }, prefix);
    expect(counts).toMatchObject({ read: 500, written: 500, failed: 0 });
    expect(server.requests[0]?.headers.host).toBe(`warm-source.test:${server.port}`);
    expect(await connectStandalone().get(`${prefix}499`)).toBe('h499');
  });

  it('retries a failing server with backoff and resumes a broken stream from its offset (Range)', async () => {
    const body = Buffer.from(records(3000));
    const server = await serve((req, res, n) => {
      if (n < 2) {
        res.statusCode = 503;
        res.end();
        return;
      }
      const range = /bytes=(\d+)-/.exec(req.headers.range ?? '');
      const from = range ? Number(range[1]) : 0;
      if (range) {
        res.statusCode = 206;
        res.setHeader('content-range', `bytes ${from}-${body.length - 1}/${body.length}`);
      }
      if (n === 2) {
        // first real answer: half the body, then the connection breaks
        res.setHeader('content-length', String(body.length - from));
        res.write(body.subarray(from, from + 40_000), () => res.destroy());
        return;
      }
      res.end(body.subarray(from));
    });
    const prefix = keyPrefix('http-retry');
    const { counts } = await warmFrom({ url: `http://127.0.0.1:${server.port}/data.ndjson` }, prefix);
    expect(counts).toMatchObject({ read: 3000, written: 3000, failed: 0 });
    expect(server.requests.length).toBeGreaterThanOrEqual(4);
    expect(server.requests.at(-1)?.headers.range).toMatch(/^bytes=[1-9]\d*-$/);
    expect(await scanAll(connectStandalone(), `${prefix}*`)).toHaveLength(3000);
  });

  it('a stream that breaks inside a record longer than the limit resumes at that record: counted once, its tail never read as a record', async () => {
    // Line 101: 150 KB of blanks, then a valid record; over the limit (maxValueBytes 1000: 2 × 1000 + 64 KiB).
    const head = records(100);
    const long = ' '.repeat(150_000) + '{"id":"ghost","value":"boo"}\n';
    const body = Buffer.from(head + long + records(100).replace(/"id":(\d+)/g, (_, n: string) => `"id":${100 + Number(n)}`));
    const longStart = Buffer.byteLength(head);
    const server = await serve((req, res, n) => {
      const from = Number(/bytes=(\d+)-/.exec(req.headers.range ?? '')?.[1] ?? 0);
      res.statusCode = from > 0 ? 206 : 200;
      if (from > 0) res.setHeader('content-range', `bytes ${from}-${body.length - 1}/${body.length}`);
      res.setHeader('content-length', String(body.length - from));
      // The first answer breaks 100 KB into the long line, after the reader has started skipping it.
      if (n === 0) res.write(body.subarray(0, longStart + 100_000), () => setTimeout(() => res.destroy(), 50));
      else res.end(body.subarray(from));
    });
    const prefix = keyPrefix('http-long');
    const { counts, chunks } = await warmFrom({ url: `http://127.0.0.1:${server.port}/data.ndjson` }, prefix, { maxValueBytes: 1000 });
    expect(server.requests.map((r) => r.headers.range)).toEqual([undefined, `bytes=${longStart}-`]);
    expect(counts).toMatchObject({ read: 201, written: 200, failed: 1 });
    expect(chunks.flatMap((c) => c.errors).map((e) => [e.line, e.code])).toEqual([[101, 'value_too_large']]);
    expect(await connectStandalone().exists(`${prefix}ghost`)).toBe(0);
    expect(await scanAll(connectStandalone(), `${prefix}*`)).toHaveLength(200);
  });

  it('fails with source_unreachable after its retries when nothing listens', async () => {
    const server = await serve(() => undefined);
    const port = server.port;
    await new Promise((r) => servers.pop()?.close(r));
    await expect(warmFrom({ url: `http://127.0.0.1:${port}/gone.ndjson` }, keyPrefix('gone'))).rejects.toMatchObject({
      code: 'source_unreachable',
      message: expect.stringMatching(/ECONNREFUSED.*gave up after 4 attempts/),
    });
  });

  it('enforces the size limit and refuses redirects to hosts off the allow-list', async () => {
    const big = await serve((_req, res) => res.end(records(100)));
    await expect(warmFrom({ url: `http://127.0.0.1:${big.port}/big.ndjson`, maxBytes: 500 }, keyPrefix('big'))).rejects.toMatchObject({ code: 'source_too_large' });
    const redirect = await serve((_req, res) => {
      res.statusCode = 302;
      res.setHeader('location', 'http://elsewhere.example.org/data.ndjson');
      res.end();
    });
    await expect(warmFrom({ url: `http://127.0.0.1:${redirect.port}/r` }, keyPrefix('redirect'))).rejects.toMatchObject({
      code: 'source_refused',
      message: expect.stringContaining("host 'elsewhere.example.org' is not in WARM_HTTP_ALLOWED_HOSTS"),
    });
  });
});

describe('HTTP warm source name resolution', () => {
  it('a name that does not resolve is retried, then fails as source_unreachable', async () => {
    let lookups = 0;
    const resolve = async () => {
      lookups += 1;
      throw Object.assign(new Error('getaddrinfo ENOTFOUND'), { code: 'ENOTFOUND' });
    };
    const source = httpSource({ url: 'https://feed.example.com/x.ndjson', format: 'ndjson', policy: { allowedHosts: ['feed.example.com'], allowPrivateNetworks: false }, maxBytes: 1000, timeoutMs: 1000, resolve: resolve as never });
    const { host, port } = inject('redisStandalone');
    const p = plan({ source: { kind: 'http', url: 'https://feed.example.com/x.ndjson' }, mapping: { key: 'dns:{id}' } });
    await expect(warmAll({ target: targetOf('standalone', [{ host, port }]), plan: p, source, namespace: { keyPattern: 'dns:*', ttlSeconds: null, ttlJitterPercent: 0 } })).rejects.toMatchObject({
      code: 'source_unreachable',
      message: expect.stringContaining("host 'feed.example.com' does not resolve (ENOTFOUND) (gave up after 4 attempts)"),
    });
    expect(lookups).toBe(4);
  });
});

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** One request the stand-in received, as a test asserts it. */
export interface ArmRequest {
  method: string;
  /** Path without the query. */
  path: string;
  apiVersion: string | null;
  authorization: string | undefined;
  body: unknown;
}

export interface LocalArmStandIn {
  /** `https://127.0.0.1:<port>`: the `endpoint` of the ARM clients. */
  endpoint: string;
  /** PEM of its self-signed certificate (pass as `tlsOptions.ca`). */
  ca: string;
  requests: ArmRequest[];
  /** Resource documents by path (ARM id), served on GET and merged on PATCH. */
  resources: Map<string, Record<string, unknown>>;
  /** Answer the next PATCH with this status instead (e.g. 409 while the cache is scaling). */
  failNextPatch(status: number): void;
  close(): Promise<void>;
}

/**
 * A stand-in for Azure Resource Manager — a test double for the cloud API, not for Redis or Storage. Serves HTTPS
 * (the SDK refuses bearer tokens over http) with a throwaway self-signed certificate, records every request, and
 * answers the way ARM does: GET the resource, PATCH accepted as a long-running operation (202 +
 * `Azure-AsyncOperation`, polled `InProgress` once, then `Succeeded`, after which the resource shows the change).
 */
export async function startLocalArmStandIn(): Promise<LocalArmStandIn> {
  const dir = mkdtempSync(join(tmpdir(), 'rcm-arm-'));
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
  const [key, cert] = [readFileSync(join(dir, 'key.pem'), 'utf8'), readFileSync(join(dir, 'cert.pem'), 'utf8')];
  rmSync(dir, { recursive: true, force: true });
  const requests: ArmRequest[] = [];
  const resources = new Map<string, Record<string, unknown>>();
  const operations = new Map<string, { polls: number; apply: () => void }>();
  let failStatus: number | null = null;
  let endpoint = '';
  const server: Server = createServer({ key, cert }, (req, res) => {
    let raw = '';
    req.on('data', (chunk: Buffer) => (raw += chunk.toString()));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'https://127.0.0.1');
      const body = raw ? (JSON.parse(raw) as unknown) : undefined;
      requests.push({ method: req.method ?? '', path: url.pathname, apiVersion: url.searchParams.get('api-version'), authorization: req.headers.authorization, body });
      const send = (status: number, payload: unknown, headers: Record<string, string> = {}) => {
        res.writeHead(status, { 'content-type': 'application/json', 'x-ms-request-id': `req-${requests.length}`, ...headers });
        res.end(payload === undefined ? '' : JSON.stringify(payload));
      };
      const operation = /^\/operations\/(.+)$/.exec(url.pathname);
      if (operation && req.method === 'GET') {
        const op = operations.get(operation[1] ?? '');
        if (!op) return send(404, { error: { code: 'NotFound', message: 'no such operation' } });
        op.polls += 1;
        if (op.polls < 2) return send(200, { status: 'InProgress' }, { 'retry-after': '0' });
        op.apply();
        return send(200, { status: 'Succeeded' });
      }
      const resource = resources.get(url.pathname);
      if (!resource) return send(404, { error: { code: 'ResourceNotFound', message: `${url.pathname} not found` } });
      if (req.method === 'GET') return send(200, resource);
      if (req.method === 'PATCH') {
        if (failStatus !== null) {
          const status = failStatus;
          failStatus = null;
          return send(status, { error: { code: 'Conflict', message: 'the cache is busy scaling' } });
        }
        const id = `op-${operations.size + 1}`;
        operations.set(id, { polls: 0, apply: () => resources.set(url.pathname, deepMerge(resource, body as Record<string, unknown>)) });
        return send(202, undefined, { 'azure-asyncoperation': `${endpoint}/operations/${id}`, location: `${endpoint}/operations/${id}`, 'retry-after': '0' });
      }
      return send(405, { error: { code: 'MethodNotAllowed', message: req.method } });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  endpoint = `https://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  return {
    endpoint,
    ca: cert,
    requests,
    resources,
    failNextPatch: (status) => (failStatus = status),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

function deepMerge(target: Record<string, unknown>, patch: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...target };
  for (const [key, value] of Object.entries(patch)) {
    const current = out[key];
    out[key] = value && typeof value === 'object' && !Array.isArray(value) && current && typeof current === 'object' ? deepMerge(current as Record<string, unknown>, value as Record<string, unknown>) : value;
  }
  return out;
}

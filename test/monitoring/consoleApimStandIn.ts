import { readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { apimHeaders } from '../../shared/platform/auth/authenticate';
import { localEntraCheck, verifyLocalEntraToken } from '../../shared/platform/auth/verifyLocalEntraToken';

/** One request the stand-in answered: what the browser asked and what it did with it. */
export interface StandInRequest {
  method: string;
  path: string;
  /** The operation's URL template in infra/openapi.json, or null (answered 404 as APIM does). */
  template: string | null;
  /** Let through without a token (the page and its assets). */
  anonymous: boolean;
  status: number;
}

export interface ConsoleApimStandIn {
  /** `http://127.0.0.1:<port>`; the console is at `<origin>/console/dashboard`. */
  origin: string;
  requests: StandInRequest[];
  close(): Promise<void>;
}

const root = join(__dirname, '..', '..');
/** Headers a caller may not pass on (the policy deletes them before anything), plus hop-by-hop ones. */
const dropped = new Set([apimHeaders.secret, apimHeaders.principal, apimHeaders.roles, 'x-api-key', 'x-functions-key', 'ocp-apim-subscription-key', 'host', 'connection', 'keep-alive', 'transfer-encoding', 'content-length']);

/** The anonymous operations, read from the console API's policy condition (`context.Operation.UrlTemplate == "..."`). */
function anonymousTemplates(): string[] {
  const policy = readFileSync(join(root, 'infra', 'policies', 'console-api-policy.xml'), 'utf8').replace(/<!--[\s\S]*?-->/g, '');
  const condition = /<when condition="(@\(context\.Request\.Method == "GET" && [^\n]*)">/.exec(policy)?.[1] ?? '';
  return [...condition.matchAll(/context\.Operation\.UrlTemplate == "([^"]+)"/g)].map((m) => m[1] ?? '');
}

/** The problem+json the policy's on-error answers when validate-jwt refuses (its `<set-body>`). */
function refusedTokenBody(): string {
  const policy = readFileSync(join(root, 'infra', 'policies', 'console-api-policy.xml'), 'utf8').replace(/<!--[\s\S]*?-->/g, '');
  const body = /<when condition="@\(context\.LastError\.Source == "validate-jwt"\)">[\s\S]*?<set-body>([^<]*)<\/set-body>/.exec(policy)?.[1];
  if (!body) throw new Error('console-api-policy.xml has no on-error answer for validate-jwt');
  return body;
}

/** The operations APIM imports (infra/openapi.json): method + a regex per URL template. */
function operations(): Array<{ method: string; template: string; pattern: RegExp }> {
  const doc = JSON.parse(readFileSync(join(root, 'infra', 'openapi.json'), 'utf8')) as { paths: Record<string, Record<string, unknown>> };
  return Object.entries(doc.paths).flatMap(([template, item]) =>
    Object.keys(item).map((method) => ({ method: method.toUpperCase(), template, pattern: new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+')}$`) })),
  );
}

/**
 * A LOCAL STAND-IN for API Management's console API — not APIM. It does what infra/modules/apim.bicep and
 * infra/policies/console-api-policy.xml configure, in TypeScript: the API mounted at `/console` is the app's `/api`
 * (path rewrite), only the operations of infra/openapi.json exist (others 404), the page and its assets pass without
 * a token (the templates are read from the policy's condition), every other call needs a Bearer token (refused with
 * the policy's on-error problem+json), checked as validate-jwt does (signature, issuer, audience, lifetime: the same checker the app uses for the local Entra
 * stand-in) and replaced by the forwarded identity (x-rcm-principal / x-rcm-roles / x-rcm-apim-secret), caller-sent
 * identity headers and credentials are dropped, and the function key is added as the APIM backend does. The real
 * gateway, its policy engine and real Entra ID are not reachable here; the policy XML is checked statically
 * (test/infra/consoleApi.test.ts). No throttling.
 */
export async function startConsoleApimStandIn(options: { hostUrl: string; functionKey: string; apimSecret: string; entra: { publicKeyPem: string; authority: string; clientId: string } }): Promise<ConsoleApimStandIn> {
  const check = localEntraCheck(options.entra.publicKeyPem, options.entra.authority, options.entra.clientId);
  const open = anonymousTemplates();
  const refused = refusedTokenBody();
  const ops = operations();
  const requests: StandInRequest[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        const url = new URL(req.url ?? '/', 'http://stand-in');
        const method = req.method ?? 'GET';
        const rest = url.pathname.startsWith('/console/') ? url.pathname.slice('/console'.length) : null;
        const op = rest === null ? undefined : ops.find((o) => o.method === method && o.pattern.test(rest));
        const record: StandInRequest = { method, path: url.pathname, template: op?.template ?? null, anonymous: false, status: 0 };
        requests.push(record);
        const answer = (status: number, message: string) => {
          record.status = status;
          res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ statusCode: status, message }));
        };
        const refuse = () => {
          record.status = 401;
          res.writeHead(401, { 'content-type': 'application/problem+json; charset=utf-8' }).end(refused);
        };
        if (!op || rest === null) return answer(404, 'Resource not found');
        const headers: Record<string, string> = {};
        for (const [name, value] of Object.entries(req.headers as IncomingHttpHeaders)) {
          if (!dropped.has(name) && typeof value === 'string') headers[name] = value;
        }
        record.anonymous = method === 'GET' && open.includes(op.template);
        const bearer = /^Bearer\s+(\S+)$/i.exec(headers['authorization'] ?? '')?.[1];
        delete headers['authorization'];
        if (!record.anonymous) {
          if (!bearer) return refuse();
          let identity: { id: string; roles: string };
          try {
            identity = verifyLocalEntraToken(bearer, check);
          } catch {
            return refuse();
          }
          headers[apimHeaders.principal] = identity.id;
          headers[apimHeaders.roles] = identity.roles;
          headers[apimHeaders.secret] = options.apimSecret;
        }
        headers['x-functions-key'] = options.functionKey;
        const body = chunks.length > 0 ? Buffer.concat(chunks) : undefined;
        const upstream = await fetch(`${options.hostUrl}/api${rest}${url.search}`, { method, headers, ...(body ? { body } : {}) });
        const out: Record<string, string> = {};
        upstream.headers.forEach((value, name) => {
          if (!['content-length', 'transfer-encoding', 'connection', 'content-encoding', apimHeaders.secret].includes(name)) out[name] = value;
        });
        record.status = upstream.status;
        res.writeHead(upstream.status, out).end(Buffer.from(await upstream.arrayBuffer()));
      })().catch((error: unknown) => {
        if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
        res.end(String(error));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

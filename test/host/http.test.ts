import { request as rawRequest } from 'node:http';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHost, type RunningHost } from '../../tools/host/index';
import { fixtureApp, probe, yearly } from './helpers';

let host: RunningHost;
const logs: string[] = [];
const keys = { functionKey: 'fn-key-for-tests', masterKey: 'master-key-for-tests' };

beforeAll(async () => {
  host = await startHost({
    appDir: fixtureApp,
    settings: { TICK_SCHEDULE: yearly },
    keys,
    log: (line) => logs.push(line),
  });
});

afterAll(async () => {
  await host?.stop();
});

const get = (path: string, init?: RequestInit) => fetch(`${host.url}${path}`, init);

describe('routing', () => {
  it('serves functions under the host.json route prefix, route defaulting to the function name', async () => {
    const res = await get('/api/hello?a=1&b=two');
    expect(res.status).toBe(200);
    const body = (await res.json()) as { method: string; query: Record<string, string>; functionName: string };
    expect(body).toMatchObject({ method: 'GET', query: { a: '1', b: 'two' }, functionName: 'hello' });
    expect((await get('/hello')).status).toBe(404);
  });

  it('prefers literal over constrained segments and picks the route by constraint', async () => {
    expect(await (await get('/api/items/latest')).json()).toEqual({ kind: 'latest' });
    expect(await (await get('/api/items/42')).json()).toEqual({ kind: 'byId', id: '42' });
    expect(await (await get('/api/items/abc')).json()).toEqual({ kind: 'byName', name: 'abc' });
    expect((await get('/api/items/abc-1')).status).toBe(404);
    expect((await get('/api/things/0f8fad5b-d9cb-469f-a165-70867728950e')).status).toBe(200);
    expect((await get('/api/things/123')).status).toBe(404);
  });

  it('handles optional and catch-all parameters', async () => {
    expect(await (await get('/api/files')).json()).toEqual({ name: null });
    expect(await (await get('/api/files/report.pdf')).json()).toEqual({ name: 'report.pdf' });
    expect(await (await get('/api/static/css/site.css')).json()).toEqual({ path: 'css/site.css' });
  });

  it('answers unknown routes with a JSON 404', async () => {
    const res = await get('/api/nope/nothing');
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toContain('json');
    expect(await res.json()).toMatchObject({ status: 404, code: 'RouteNotFound' });
  });

  it('answers a wrong method with 405 and an Allow header', async () => {
    const res = await get('/api/only-put');
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('PUT');
    expect(await res.json()).toMatchObject({ code: 'MethodNotAllowed' });
    expect((await get('/api/only-put', { method: 'PUT' })).status).toBe(204);
  });
});

describe('keys', () => {
  it('requires the function key or master key for authLevel function, via header or ?code=', async () => {
    const missing = await get('/api/secure');
    expect(missing.status).toBe(401);
    expect(await missing.json()).toMatchObject({ code: 'Unauthorized' });
    expect((await get('/api/secure', { headers: { 'x-functions-key': 'wrong' } })).status).toBe(401);
    expect(await (await get('/api/secure', { headers: { 'x-functions-key': keys.functionKey } })).text()).toBe('secret stuff');
    expect((await get(`/api/secure?code=${keys.functionKey}`)).status).toBe(200);
    expect((await get(`/api/secure?code=${keys.masterKey}`)).status).toBe(200);
  });

  it('accepts only the master key for authLevel admin', async () => {
    expect((await get(`/api/admin-only?code=${keys.functionKey}`)).status).toBe(401);
    expect((await get('/api/admin-only', { headers: { 'x-functions-key': keys.masterKey } })).status).toBe(200);
  });

  it('never echoes keys in error bodies', async () => {
    const text = await (await get('/api/secure?code=wrong-key-value')).text();
    expect(text).not.toContain('wrong-key-value');
    expect(text).not.toContain(keys.functionKey);
  });
});

describe('request and response conversion', () => {
  it('passes method, headers, query and a text body to the function', async () => {
    const res = await get('/api/hello?x=1', { method: 'POST', headers: { 'x-custom': 'yes' }, body: '{"hi":true}' });
    expect(await res.json()).toMatchObject({ method: 'POST', header: 'yes', body: '{"hi":true}', query: { x: '1' } });
  });

  it('round-trips binary bodies, status codes and headers', async () => {
    const bytes = Buffer.from([0, 1, 2, 250, 255, 0x80]);
    const res = await get('/api/binary', { method: 'POST', body: bytes, headers: { 'content-type': 'application/octet-stream' } });
    expect(res.status).toBe(201);
    expect(res.headers.get('content-type')).toBe('application/octet-stream');
    expect(res.headers.get('x-length')).toBe('6');
    expect(Buffer.from(await res.arrayBuffer())).toEqual(Buffer.from(bytes).reverse());
  });

  it('turns cookies into Set-Cookie headers', async () => {
    const res = await get('/api/cookies');
    expect(res.status).toBe(202);
    expect(res.headers.getSetCookie()).toEqual(['session=abc; Path=/; HttpOnly; SameSite=Strict', 'theme=dark; Max-Age=60']);
    expect(await res.json()).toEqual({ ok: true });
  });

  it('answers 204 when the function returns nothing', async () => {
    expect((await get('/api/nothing')).status).toBe(204);
  });
});

describe('failures stay per request', () => {
  it('turns a thrown error into a 500 with the invocation id and no stack or message, then keeps serving', async () => {
    const res = await get('/api/boom');
    expect(res.status).toBe(500);
    const text = await res.text();
    const body = JSON.parse(text) as { invocationId: string; code: string };
    expect(body.code).toBe('FunctionInvocationFailed');
    expect(body.invocationId).toMatch(/^[0-9a-f-]{36}$/);
    expect(text).not.toMatch(/hunter2|at handler|\.ts:/);
    expect(logs.some((l) => l.includes(body.invocationId) && l.includes('Functions.boom') && l.includes('Failed'))).toBe(true);
    expect((await get('/api/hello')).status).toBe(200);
  });

  it('survives malformed HTTP and bad URLs', async () => {
    const reply = await new Promise<string>((resolve, reject) => {
      const url = new URL(host.url);
      const socket = connect(Number(url.port), url.hostname, () => socket.write('GARBAGE /\r\n\r\n'));
      let data = '';
      socket.on('data', (chunk) => (data += chunk.toString()));
      socket.on('end', () => resolve(data));
      socket.on('error', reject);
    });
    expect(reply).toMatch(/^HTTP\/1\.1 400/);
    const status = await new Promise<number>((resolve, reject) => {
      const req = rawRequest(`${host.url}/api/users/%E0%A4%A`, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(404);
    expect((await get('/api/hello')).status).toBe(200);
  });
});

describe('hooks and logs', () => {
  it('runs appStart before serving and pre/post hooks around each invocation, sharing hookData', async () => {
    await get('/api/hello');
    await get('/api/boom');
    const { hooks } = await probe(host.url);
    expect(hooks[0]).toBe('appStart');
    const hello = hooks.lastIndexOf('pre:hello');
    expect(hooks.slice(hello, hello + 3)).toEqual(['pre:hello', 'wrapped:hello', 'post:hello:hello:ok']);
    expect(hooks).toContain('post:boom:boom:error');
  });

  it('prefixes every function log line with the function name and invocation id', async () => {
    const res = await get('/api/hello');
    const { invocationId } = (await res.json()) as { invocationId: string };
    const line = logs.find((l) => l.includes('hello called') && l.includes(invocationId));
    expect(line).toMatch(/\[Information\] Functions\.hello \(Id=[0-9a-f-]{36}\): hello called$/);
  });

  it('keeps keys and bodies out of the host log', async () => {
    await get(`/api/hello?code=${keys.masterKey}`, { method: 'POST', body: 'body-marker-xyz' });
    expect(logs.join('\n')).not.toContain(keys.masterKey);
    expect(logs.join('\n')).not.toContain('body-marker-xyz');
  });
});

describe('admin API', () => {
  it('lists the functions with their triggers and routes', async () => {
    expect((await get('/admin/functions')).status).toBe(401);
    const res = await get('/admin/functions', { headers: { 'x-functions-key': keys.masterKey } });
    const list = (await res.json()) as { name: string; trigger: string; route?: string }[];
    expect(list).toContainEqual(expect.objectContaining({ name: 'itemById', trigger: 'http', route: 'api/items/{id:int}' }));
    expect(list).toContainEqual(expect.objectContaining({ name: 'tick', trigger: 'timer', schedule: yearly }));
    expect(host.functions.map((f) => f.name)).toContain('onEvent');
  });

  it('reports host status', async () => {
    expect(await (await get('/admin/host/status')).json()).toMatchObject({ state: 'Running' });
  });
});

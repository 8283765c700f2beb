import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { lookup } from 'node:dns/promises';
import { isOutboundUrlRefused, type UrlPolicy } from '../../platform/outbound/checkOutboundUrl';
import { pinnedLookup, vetOutboundUrl } from '../../platform/outbound/vetOutboundUrl';

/** How one POST ended. `retryable` follows HTTP: timeouts, 408, 425, 429 and 5xx are worth another try. */
export type PostOutcome =
  | { ok: true; status: number }
  | { ok: false; retryable: boolean; status: number | null; reason: string; retryAfterMs?: number };

export interface PostOptions {
  policy: UrlPolicy;
  /** @default 10000 */
  timeoutMs?: number;
  headers?: Record<string, string>;
  /** DNS lookup (tests resolve made-up names with it). @default dns.promises.lookup */
  resolve?: typeof lookup;
}

const retryableStatus = (status: number) => status === 408 || status === 425 || status === 429 || status >= 500;

/** `Retry-After` in seconds or as an HTTP date, in ms from now; undefined when absent or unreadable. */
function retryAfter(value: string | string[] | undefined): number | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  if (!v) return undefined;
  const seconds = Number(v);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

/**
 * POSTs a JSON body through the outbound guard: the URL is vetted (allow-list, public addresses) and the request
 * connects to the vetted address only (DNS pinned). Redirects are not followed (a webhook that redirects is
 * misconfigured, and following would bypass the guard). Reasons name the host, never the URL: webhook URLs carry
 * their tokens in the path.
 */
export async function postJson(url: string, body: string, options: PostOptions): Promise<PostOutcome> {
  // Checked here first: the guard's own "not a URL" message would quote the value, which is a secret.
  if (!URL.canParse(url)) return { ok: false, retryable: false, status: null, reason: "the channel's URL reference does not hold a URL" };
  let vetted;
  try {
    vetted = await vetOutboundUrl(url, options.policy, options.resolve);
  } catch (error) {
    if (isOutboundUrlRefused(error)) return { ok: false, retryable: false, status: null, reason: error.message };
    return { ok: false, retryable: true, status: null, reason: (error as Error).message };
  }
  const host = vetted.url.host;
  const send = vetted.url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<PostOutcome>((resolve) => {
    const req = send(
      vetted.url,
      {
        method: 'POST',
        lookup: pinnedLookup(vetted),
        timeout: options.timeoutMs ?? 10_000,
        headers: { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body), 'user-agent': 'redis-cluster-manager', ...options.headers },
      },
      (res) => {
        // Drain (bounded) so the socket is released; the receiver's answer is not part of the contract.
        let seen = 0;
        res.on('data', (chunk: Buffer) => {
          seen += chunk.length;
          if (seen > 64 * 1024) res.destroy();
        });
        const done = () => {
          const status = res.statusCode ?? 0;
          if (status >= 200 && status < 300) return resolve({ ok: true, status });
          const after = retryAfter(res.headers['retry-after']);
          resolve({ ok: false, retryable: retryableStatus(status), status, reason: `${host} answered ${status}`, ...(after !== undefined ? { retryAfterMs: after } : {}) });
        };
        res.on('end', done);
        res.on('close', done);
        res.on('error', done);
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (error: NodeJS.ErrnoException) => resolve({ ok: false, retryable: true, status: null, reason: `${host}: ${error.code ?? error.message}` }));
    req.end(body);
  });
}

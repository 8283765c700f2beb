import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { WarmFailure } from '../WarmFailure';
import { isLocalName, nonPublicReason } from './addressPolicy';
import { SourceError } from './SourceError';

/** What may be fetched: allow-listed hosts (`WARM_HTTP_ALLOWED_HOSTS`), and whether private addresses are allowed. */
export interface UrlPolicy {
  /** Exact host names, or `*.example.com` for any subdomain. Empty = no HTTP source is allowed. */
  allowedHosts: readonly string[];
  allowPrivateNetworks: boolean;
}

/** A URL that passed the checks, with the address it must be fetched from (pinned: no second DNS answer). */
export interface VettedUrl {
  url: URL;
  address: string;
  family: 4 | 6;
}

const refuse = (message: string) => new WarmFailure('source_refused', message, false);

/**
 * Static checks, done when a plan is saved and again before every request: http(s) only, no credentials in the
 * URL, host on the allow-list, and a literal IP or well-known local name must be public. Throws `source_refused`.
 */
export function checkUrlStatically(raw: string, policy: UrlPolicy): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw refuse(`'${raw.slice(0, 100)}' is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw refuse(`${url.protocol} URLs are not allowed (http or https only)`);
  if (url.username || url.password) throw refuse('credentials in the URL are not allowed');
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (!policy.allowPrivateNetworks) {
    if (isLocalName(host)) throw refuse(`host '${host}' is this machine or a metadata service; refused (allowPrivateNetworks is off)`);
    if (isIP(host)) {
      const why = nonPublicReason(host);
      if (why) throw refuse(`address ${host} is ${why}; refused (allowPrivateNetworks is off)`);
    }
  }
  if (!hostAllowed(host, policy.allowedHosts)) {
    throw refuse(`host '${host}' is not in WARM_HTTP_ALLOWED_HOSTS (${policy.allowedHosts.length === 0 ? 'empty: HTTP sources are disabled' : policy.allowedHosts.join(', ')})`);
  }
  return url;
}

/**
 * Full check before connecting: the static checks, then every address the host resolves to must be public
 * (one private answer refuses the URL), and the first address is returned to connect to, so a DNS answer
 * that changes between the check and the request (DNS rebinding) cannot redirect the fetch.
 */
export async function vetSourceUrl(raw: string, policy: UrlPolicy, resolve: typeof lookup = lookup): Promise<VettedUrl> {
  const url = checkUrlStatically(raw, policy);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const family = isIP(host);
  let addresses: { address: string; family: number }[];
  if (family !== 0) addresses = [{ address: host, family }];
  else {
    try {
      addresses = await resolve(host, { all: true, verbatim: true });
    } catch (error) {
      // Retried with backoff like any other unreachable source (DNS hiccups are usually short).
      throw new SourceError(`host '${host}' does not resolve (${(error as NodeJS.ErrnoException).code ?? 'error'})`, { cause: error });
    }
  }
  if (!policy.allowPrivateNetworks) {
    for (const a of addresses) {
      const why = nonPublicReason(a.address);
      if (why) throw refuse(`host '${host}' resolves to ${a.address}, which is ${why}; refused (allowPrivateNetworks is off)`);
    }
  }
  const first = addresses[0];
  if (!first) throw new WarmFailure('source_unreachable', `host '${host}' has no address`, true);
  return { url, address: first.address, family: first.family === 6 ? 6 : 4 };
}

function hostAllowed(host: string, allowed: readonly string[]): boolean {
  const h = host.toLowerCase();
  return allowed.some((entry) => {
    const e = entry.toLowerCase().trim();
    return e.startsWith('*.') ? h.endsWith(e.slice(1)) && h.length > e.length - 1 : h === e;
  });
}

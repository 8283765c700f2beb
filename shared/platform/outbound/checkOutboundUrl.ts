import { isIP } from 'node:net';
import { isLocalName, nonPublicReason } from './addressPolicy';

/** What may be called: allow-listed hosts, and whether private addresses are allowed. */
export interface UrlPolicy {
  /** Exact host names, or `*.example.com` for any subdomain. Empty = nothing is allowed. */
  allowedHosts: readonly string[];
  allowPrivateNetworks: boolean;
  /** The setting that holds `allowedHosts`, named in the refusal so an operator knows what to change. */
  allowListSetting?: string;
}

/** An outbound URL the guard refused; `message` says why in words an operator can act on. */
export class OutboundUrlRefused extends Error {
  readonly code = 'outbound_url_refused';
  constructor(message: string) {
    super(message);
    this.name = 'OutboundUrlRefused';
  }
}

export function isOutboundUrlRefused(error: unknown): error is OutboundUrlRefused {
  return error instanceof OutboundUrlRefused;
}

/**
 * The outbound guard's static checks, shared by everything the app fetches or posts to (warm sources,
 * notification webhooks): http(s) only, no credentials in the URL, host on the allow-list, and a literal IP or
 * well-known local name must be public. Throws `OutboundUrlRefused`. The resolved addresses are checked again
 * by the caller before connecting (DNS may change).
 */
export function checkOutboundUrl(raw: string, policy: UrlPolicy): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new OutboundUrlRefused(`'${raw.slice(0, 100)}' is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new OutboundUrlRefused(`${url.protocol} URLs are not allowed (http or https only)`);
  if (url.username || url.password) throw new OutboundUrlRefused('credentials in the URL are not allowed');
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (!policy.allowPrivateNetworks) {
    if (isLocalName(host)) throw new OutboundUrlRefused(`host '${host}' is this machine or a metadata service; refused (allowPrivateNetworks is off)`);
    if (isIP(host)) {
      const why = nonPublicReason(host);
      if (why) throw new OutboundUrlRefused(`address ${host} is ${why}; refused (allowPrivateNetworks is off)`);
    }
  }
  if (!hostAllowed(host, policy.allowedHosts)) {
    const setting = policy.allowListSetting ?? 'the allow-list';
    throw new OutboundUrlRefused(`host '${host}' is not in ${setting} (${policy.allowedHosts.length === 0 ? 'empty: such URLs are disabled' : policy.allowedHosts.join(', ')})`);
  }
  return url;
}

/** Comma-separated host list of an allow-list setting, blanks dropped. */
export function parseAllowedHosts(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((h) => h.trim())
    .filter((h) => h !== '');
}

function hostAllowed(host: string, allowed: readonly string[]): boolean {
  const h = host.toLowerCase();
  return allowed.some((entry) => {
    const e = entry.toLowerCase().trim();
    return e.startsWith('*.') ? h.endsWith(e.slice(1)) && h.length > e.length - 1 : h === e;
  });
}

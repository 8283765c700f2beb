import { lookup } from 'node:dns/promises';
import type { LookupFunction } from 'node:net';
import { isIP } from 'node:net';
import { nonPublicReason } from './addressPolicy';
import { checkOutboundUrl, OutboundUrlRefused, type UrlPolicy } from './checkOutboundUrl';

/** A URL that passed the guard, with the address it must be reached at (pinned: no second DNS answer). */
export interface VettedUrl {
  url: URL;
  address: string;
  family: 4 | 6;
}

/** The host did not resolve, or resolved to nothing: usually transient, so callers retry. */
export class OutboundUrlUnresolved extends Error {
  readonly code = 'outbound_url_unresolved';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'OutboundUrlUnresolved';
  }
}

export function isOutboundUrlUnresolved(error: unknown): error is OutboundUrlUnresolved {
  return error instanceof OutboundUrlUnresolved;
}

/**
 * The whole outbound guard, for everything the app fetches or posts to (warm sources, notification webhooks): the
 * static checks (`checkOutboundUrl`), then every address the host resolves to must be public (one private answer
 * refuses the URL), and the first address is returned to connect to, so a DNS answer that changes between the check
 * and the request (DNS rebinding) cannot redirect it.
 * @throws OutboundUrlRefused when the URL or an address it resolves to is not allowed
 * @throws OutboundUrlUnresolved when the host does not resolve
 */
export async function vetOutboundUrl(raw: string, policy: UrlPolicy, resolve: typeof lookup = lookup): Promise<VettedUrl> {
  const url = checkOutboundUrl(raw, policy);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const family = isIP(host);
  let addresses: { address: string; family: number }[];
  if (family !== 0) addresses = [{ address: host, family }];
  else {
    try {
      addresses = await resolve(host, { all: true, verbatim: true });
    } catch (error) {
      throw new OutboundUrlUnresolved(`host '${host}' does not resolve (${(error as NodeJS.ErrnoException).code ?? 'error'})`, { cause: error });
    }
  }
  if (!policy.allowPrivateNetworks) {
    for (const a of addresses) {
      const why = nonPublicReason(a.address);
      if (why) throw new OutboundUrlRefused(`host '${host}' resolves to ${a.address}, which is ${why}; refused (allowPrivateNetworks is off)`);
    }
  }
  const first = addresses[0];
  if (!first) throw new OutboundUrlUnresolved(`host '${host}' has no address`);
  return { url, address: first.address, family: first.family === 6 ? 6 : 4 };
}

/** A `lookup` for `http.request` that always answers the vetted address (TLS still checks the URL's host name). */
export function pinnedLookup(vetted: VettedUrl): LookupFunction {
  return (_host, opts, callback) => {
    if ((opts as { all?: boolean }).all) (callback as unknown as (e: null, a: { address: string; family: number }[]) => void)(null, [{ address: vetted.address, family: vetted.family }]);
    else callback(null, vetted.address, vetted.family);
  };
}

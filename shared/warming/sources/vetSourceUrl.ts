import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { WarmFailure } from '../WarmFailure';
import { nonPublicReason } from '../../platform/outbound/addressPolicy';
import { checkOutboundUrl, isOutboundUrlRefused, type UrlPolicy } from '../../platform/outbound/checkOutboundUrl';
import { SourceError } from './SourceError';

export type { UrlPolicy } from '../../platform/outbound/checkOutboundUrl';

/** A URL that passed the checks, with the address it must be fetched from (pinned: no second DNS answer). */
export interface VettedUrl {
  url: URL;
  address: string;
  family: 4 | 6;
}

const refuse = (message: string) => new WarmFailure('source_refused', message, false);

/** The outbound guard's static checks (`checkOutboundUrl`), as a warm failure (`source_refused`). */
export function checkUrlStatically(raw: string, policy: UrlPolicy): URL {
  try {
    return checkOutboundUrl(raw, { allowListSetting: 'WARM_HTTP_ALLOWED_HOSTS', ...policy });
  } catch (error) {
    if (isOutboundUrlRefused(error)) throw refuse(error.message);
    throw error;
  }
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

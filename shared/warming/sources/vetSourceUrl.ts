import type { lookup } from 'node:dns/promises';
import { WarmFailure } from '../WarmFailure';
import { checkOutboundUrl, isOutboundUrlRefused, type UrlPolicy } from '../../platform/outbound/checkOutboundUrl';
import { vetOutboundUrl, type VettedUrl } from '../../platform/outbound/vetOutboundUrl';
import { SourceError } from './SourceError';

export type { UrlPolicy } from '../../platform/outbound/checkOutboundUrl';
export type { VettedUrl } from '../../platform/outbound/vetOutboundUrl';

const refuse = (message: string) => new WarmFailure('source_refused', message, false);
const allowListSetting = 'WARM_HTTP_ALLOWED_HOSTS';

/** The outbound guard's static checks (`checkOutboundUrl`), as a warm failure (`source_refused`). */
export function checkUrlStatically(raw: string, policy: UrlPolicy): URL {
  try {
    return checkOutboundUrl(raw, { allowListSetting, ...policy });
  } catch (error) {
    if (isOutboundUrlRefused(error)) throw refuse(error.message);
    throw error;
  }
}

/**
 * The platform's outbound guard with DNS pinning (`vetOutboundUrl`) in the warm source's terms: a refused URL or
 * address is `source_refused` (not retried), a host without an address `source_unreachable`, and a DNS failure a
 * `SourceError` (retried with backoff like any other unreachable source: DNS hiccups are usually short).
 */
export async function vetSourceUrl(raw: string, policy: UrlPolicy, resolve?: typeof lookup): Promise<VettedUrl> {
  try {
    return await vetOutboundUrl(raw, { allowListSetting, ...policy }, resolve);
  } catch (error) {
    if (isOutboundUrlRefused(error)) throw refuse(error.message);
    const e = error as Error & { code?: string };
    if (e.code === 'outbound_url_unresolved') {
      if (e.cause === undefined) throw new WarmFailure('source_unreachable', e.message, true);
      throw new SourceError(e.message, { cause: e.cause });
    }
    throw error;
  }
}

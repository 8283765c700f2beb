import { createHmac, timingSafeEqual } from 'node:crypto';

/** Header with the HMAC: `v1=<hex>` (a later scheme adds `v2=`; receivers check the one they know). */
export const signatureHeader = 'x-rcm-signature';
/** Header with the signing time, Unix seconds; part of the signed text, so an old body cannot be replayed with a new time. */
export const timestampHeader = 'x-rcm-timestamp';

/** `v1=` HMAC-SHA256 of `<timestamp>.<body>` with the channel's signing secret, hex. */
export function signWebhook(body: string, secret: string, timestampSeconds: number): string {
  return `v1=${createHmac('sha256', secret).update(`${timestampSeconds}.${body}`).digest('hex')}`;
}

/**
 * What a receiver does (tests use it as one would): recompute the signature over the raw body with the header's
 * timestamp, compare in constant time, and refuse timestamps further than `toleranceSeconds` from now (replay).
 * @param toleranceSeconds @default 300
 */
export function verifyWebhookSignature(body: string, headers: { signature: string | undefined; timestamp: string | undefined }, secret: string, nowSeconds = Math.floor(Date.now() / 1000), toleranceSeconds = 300): { ok: true } | { ok: false; reason: string } {
  const timestamp = Number(headers.timestamp);
  if (!headers.timestamp || !Number.isInteger(timestamp)) return { ok: false, reason: `missing or malformed ${timestampHeader}` };
  if (Math.abs(nowSeconds - timestamp) > toleranceSeconds) return { ok: false, reason: `timestamp ${timestamp} is outside ±${toleranceSeconds} s (replay?)` };
  const expected = Buffer.from(signWebhook(body, secret, timestamp));
  const given = (headers.signature ?? '').split(',').map((part) => Buffer.from(part.trim()));
  if (!given.some((g) => g.length === expected.length && timingSafeEqual(g, expected))) return { ok: false, reason: 'signature does not match' };
  return { ok: true };
}

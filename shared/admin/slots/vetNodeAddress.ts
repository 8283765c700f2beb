import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { isLocalName, nonPublicReason } from '../../platform/outbound/addressPolicy';
import type { NodeAddress } from '../../platform/redis/RedisTarget';
import { DomainError } from '../../platform/store/DomainError';

/** Non-public ranges a Redis node may live in: caches sit on private networks (and on loopback in development). */
const nodeRanges = ['private', 'loopback', 'carrier-grade NAT (shared)', 'unique local (private)'];

/**
 * Vets the address of a node to add with the outbound address policy (`shared/platform/outbound/addressPolicy.ts`,
 * the one the warm sources use): public and private unicast addresses are fine, but link-local (the cloud metadata
 * endpoint 169.254.169.254), unspecified, multicast, reserved and NAT64 addresses are refused before any
 * connection, and a host name is resolved and every address it resolves to is judged the same way.
 * 400 `node_address_refused` naming the field `body.address`.
 */
export async function vetNodeAddress(address: NodeAddress): Promise<void> {
  const refuse = (why: string): never => {
    throw new DomainError('validation', 'node_address_refused', `address: ${address.host} is refused: ${why}`, [{ field: 'body.address', message: why }]);
  };
  if (isIP(address.host) === 0 && isLocalName(address.host) && address.host.toLowerCase() !== 'localhost') refuse('a cloud metadata host name');
  let ips: string[];
  try {
    ips = isIP(address.host) !== 0 ? [address.host] : (await lookup(address.host, { all: true })).map((a) => a.address);
  } catch {
    return refuse('the host name does not resolve');
  }
  for (const ip of ips) {
    const reason = nonPublicReason(ip);
    if (reason !== null && !nodeRanges.includes(reason)) refuse(ip === address.host ? reason : `it resolves to ${ip}, ${reason}`);
  }
}

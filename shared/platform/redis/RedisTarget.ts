import type { ClusterResource } from '../registry/clusterSpec';

/**
 * What the connection manager needs of a registered cluster: a subset of the registry's `ClusterResource`,
 * so a registration can be passed as is. `version` (the registration's ETag) is part of the pool key, so a
 * changed registration gets a fresh connection.
 */
export type RedisTarget = Pick<ClusterResource, 'id' | 'mode' | 'endpoints' | 'tls' | 'username' | 'secretRef'> & {
  version?: number;
};

/** One Redis node address. */
export interface NodeAddress {
  host: string;
  port: number;
}

/** `host:port` (IPv6 hosts in brackets), the way `CLUSTER NODES` and ioredis name a node. */
export function nodeKey(address: NodeAddress): string {
  return address.host.includes(':') ? `[${address.host}]:${address.port}` : `${address.host}:${address.port}`;
}

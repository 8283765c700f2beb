import type { RedisTarget } from '../../shared/platform/redis/RedisTarget';

let counter = 0;

/** A registration for test servers: unique id, no TLS, no auth unless given. */
export function testTarget(mode: RedisTarget['mode'], endpoints: { host: string; port: number }[], extra: Partial<RedisTarget> = {}): RedisTarget {
  return {
    id: `t-${process.pid}-${counter++}`,
    mode,
    endpoints: endpoints.map(({ host, port }) => ({ host, port })),
    tls: { enabled: false },
    secretRef: { kind: 'none' },
    ...extra,
  };
}

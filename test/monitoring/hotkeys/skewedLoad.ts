import { Redis } from 'ioredis';

/** A planted hot key: its name, share of all commands, and whether it is read (GET) or written (INCR). */
export interface Planted {
  key: string;
  share: number;
  op: 'get' | 'incr';
}

/**
 * Drives a skewed load at one server until stopped: pipelines of 50 commands, each the planted keys with their
 * shares and otherwise GET of one of `coldKeys` uniform keys. Counts every command it sent, per key.
 */
export function startSkewedLoad(port: number, planted: readonly Planted[], coldKeys = 5000): { stop(): Promise<{ total: number; counts: Map<string, number> }> } {
  const redis = new Redis({ port, lazyConnect: true, maxRetriesPerRequest: 1 });
  const counts = new Map<string, number>();
  let total = 0;
  let running = true;
  const loop = (async () => {
    await redis.connect();
    while (running) {
      const p = redis.pipeline();
      for (let i = 0; i < 50; i++) {
        const u = Math.random();
        let acc = 0;
        const hit = planted.find((h) => u < (acc += h.share));
        const key = hit?.key ?? `cold:${Math.floor(Math.random() * coldKeys)}`;
        if (hit?.op === 'incr') p.incr(key);
        else p.get(key);
        counts.set(key, (counts.get(key) ?? 0) + 1);
        total += 1;
      }
      await p.exec();
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      redis.disconnect();
      return { total, counts };
    },
  };
}

/** Clients the server has in MONITOR mode now (CLIENT LIST flag `O`). */
export async function monitorClients(port: number): Promise<string[]> {
  const redis = new Redis({ port, lazyConnect: true });
  await redis.connect();
  const list = String(await redis.call('CLIENT', 'LIST'));
  redis.disconnect();
  return list.split('\n').filter((l) => /\bflags=\S*O/.test(l));
}

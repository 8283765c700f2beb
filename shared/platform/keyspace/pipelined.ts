import type { Redis } from 'ioredis';
import type { LatencyGuard } from './LatencyGuard';

export type Command = [string, ...(string | Buffer | number)[]];

/**
 * Sends commands to one node. Guard off: one pipeline (one round trip). Guard on: pipelines of
 * `guard.writeBatch` commands one after another, each round trip fed back to the guard, so other clients'
 * commands run between ours. Replies in order; the first error reply is thrown.
 */
export async function pipelined(node: Redis, commands: readonly Command[], guard: LatencyGuard): Promise<unknown[]> {
  const replies: unknown[] = [];
  const step = guard.enabled ? guard.writeBatch : 5000;
  for (let i = 0; i < commands.length; ) {
    const slice = commands.slice(i, i + step);
    const start = performance.now();
    const results = (await node.pipeline(slice as unknown as Array<[string, ...unknown[]]>).exec()) ?? [];
    guard.observe(performance.now() - start);
    for (const [error, reply] of results) {
      if (error) throw error;
      replies.push(reply);
    }
    i += slice.length;
  }
  return replies;
}

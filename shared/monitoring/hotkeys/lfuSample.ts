import type { Redis } from 'ioredis';
import { TokenBucket } from '../../platform/keyspace/TokenBucket';
import type { HotkeysCursorState } from './hotkeysCursor';

export interface LfuSampleOptions {
  /** Keys SCANned in all on this node. */
  maxKeys: number;
  keysPerSecond: number;
  /** Highest-frequency keys kept. */
  keep: number;
  deadline: number;
  shouldStop(): boolean;
}

/**
 * The LFU path: `SCAN … COUNT 500` pages, one pipelined `OBJECT FREQ` per key (the server's logarithmic access
 * counter, decayed by `lfu-decay-time`), the `keep` highest kept. Resumable from `state.cursor` (SCAN returns a key
 * at least once; a repeat just replaces its own entry). A sample of `maxKeys` keys, not the keyspace: a hot key
 * outside the scanned part is missed — the cross-check window is there to show it.
 */
export async function lfuSample(node: Redis, state: NonNullable<HotkeysCursorState['lfu']>, options: LfuSampleOptions): Promise<void> {
  const bucket = new TokenBucket(options.keysPerSecond);
  const top = new Map(state.top.map((e) => [e.key, e.freq]));
  while (!state.done && !options.shouldStop() && Date.now() < options.deadline) {
    const [next, keys] = await node.scanBuffer(state.cursor, 'COUNT', 500);
    if (!(await bucket.take(keys.length, options.deadline))) break;
    const pipeline = node.pipeline();
    for (const key of keys) pipeline.call('OBJECT', 'FREQ', key);
    const replies = (await pipeline.exec()) ?? [];
    keys.forEach((key, i) => {
      const [error, freq] = replies[i] ?? [null, null];
      if (error || typeof freq !== 'number') return; // gone since SCAN, or not LFU any more
      top.set(key.toString('latin1'), freq);
    });
    if (top.size > options.keep * 2) trim(top, options.keep);
    state.cursor = String(next);
    state.scanned += keys.length;
    if (state.cursor === '0' || state.scanned >= options.maxKeys) state.done = true;
  }
  trim(top, options.keep);
  state.top = [...top].map(([key, freq]) => ({ key, freq })).sort((a, b) => b.freq - a.freq);
}

function trim(top: Map<string, number>, keep: number): void {
  const kept = [...top].sort((a, b) => b[1] - a[1]).slice(0, keep);
  top.clear();
  for (const [k, v] of kept) top.set(k, v);
}

import { describe, expect, it } from 'vitest';
import { CommandBuffer } from '../../shared/warming/resp/CommandBuffer';

/** RESP2 as the protocol spells it, for comparison. */
const resp = (args: string[]) => `*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`;

describe('CommandBuffer', () => {
  it('encodes SET with every length prefix right (looked-up digits below 1024, computed above), in reused buffers', () => {
    const spare: Buffer[] = [];
    const buf = new CommandBuffer(64, spare);
    for (const n of [0, 1, 9, 10, 99, 100, 101, 999, 1000, 1023, 1024, 1025, 9999, 10_000, 123_456]) {
      const key = `k:${'a'.repeat(n % 50)}`;
      const value = 'v'.repeat(n);
      buf.pushSet(key, value, String(3_600_000 + n), true);
      buf.pushSet(Buffer.from(`${key}\0garbage`), Buffer.from(`[${value}]`), null, false, 1, 1 + n, Buffer.byteLength(key));
      const { bytes, starts, backing } = buf.take();
      expect(starts).toEqual([0, Buffer.byteLength(resp(['SET', key, value, 'PX', String(3_600_000 + n), 'NX']))]);
      expect(bytes.toString()).toBe(resp(['SET', key, value, 'PX', String(3_600_000 + n), 'NX']) + resp(['SET', key, value]));
      // Handed back once its replies are in: the next batch is written into it, from the start.
      spare.push(backing);
    }
    expect(spare.length).toBe(1);
  });
});

import { crc16Table as TABLE, keySlot } from '../platform/keyspace/keySlot';

/**
 * `keySlot` for the warm's hot path: an ASCII string key is hashed from its char codes (no Buffer per key);
 * anything else goes through `keySlot` on its UTF-8 bytes. Same result as `CLUSTER KEYSLOT` either way.
 */
export function keySlotOf(key: string | Buffer): number {
  if (typeof key !== 'string') return keySlot(key);
  let start = 0;
  let end = key.length;
  const open = key.indexOf('{');
  if (open >= 0) {
    const close = key.indexOf('}', open + 1);
    if (close > open + 1) {
      start = open + 1;
      end = close;
    }
  }
  let crc = 0;
  for (let i = start; i < end; i++) {
    const c = key.charCodeAt(i);
    if (c >= 0x80) return keySlot(Buffer.from(key));
    crc = ((crc << 8) & 0xffff) ^ (TABLE[((crc >> 8) ^ c) & 0xff] as number);
  }
  return crc & 16383;
}

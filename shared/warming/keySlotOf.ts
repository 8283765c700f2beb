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

/**
 * `keySlot` of the key `bytes[start..end)` without a view per key (the warm reuses one key buffer for every record).
 */
export function keySlotOfRange(bytes: Uint8Array, start: number, end: number): number {
  let from = start;
  let to = end;
  const open = bytes.indexOf(0x7b, start);
  if (open >= 0 && open < end) {
    const close = bytes.indexOf(0x7d, open + 1);
    if (close > open + 1 && close < end) {
      from = open + 1;
      to = close;
    }
  }
  let crc = 0;
  for (let i = from; i < to; i++) crc = ((crc << 8) & 0xffff) ^ (TABLE[((crc >> 8) ^ (bytes[i] as number)) & 0xff] as number);
  return crc & 16383;
}

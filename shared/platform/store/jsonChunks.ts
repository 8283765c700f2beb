/**
 * Table Storage caps a string property at 64 KiB (32 K UTF-16 characters) and an entity at 1 MiB. JSON values are
 * therefore stored as `<prefix>0..<prefix>N` string properties plus a `<prefix>Chunks` count.
 */
const chunkChars = 30_000;
/** 15 chunks × 30 000 chars × 2 bytes ≈ 900 KB, leaving room for the other properties under the 1 MiB entity cap. */
export const maxJsonChars = chunkChars * 15;

export function jsonToChunks(prefix: string, value: unknown): Record<string, string | number> {
  const json = JSON.stringify(value);
  if (json === undefined) throw new Error(`${prefix}: value is not JSON-serializable`);
  if (json.length > maxJsonChars) throw new Error(`${prefix}: ${json.length} characters exceed the ${maxJsonChars} a row can hold`);
  const properties: Record<string, string | number> = {};
  let count = 0;
  for (let offset = 0; offset < json.length || count === 0; offset += chunkChars) {
    properties[`${prefix}${count}`] = json.slice(offset, offset + chunkChars);
    count += 1;
  }
  properties[`${prefix}Chunks`] = count;
  return properties;
}

/** Reassembles and parses; throws a message naming the property when a chunk is missing or the JSON is broken. */
export function jsonFromChunks(prefix: string, entity: Record<string, unknown>): unknown {
  const count = entity[`${prefix}Chunks`];
  if (typeof count !== 'number' || !Number.isInteger(count) || count < 1) throw new Error(`'${prefix}Chunks' is missing or not a positive integer`);
  let json = '';
  for (let i = 0; i < count; i += 1) {
    const part = entity[`${prefix}${i}`];
    if (typeof part !== 'string') throw new Error(`'${prefix}${i}' is missing`);
    json += part;
  }
  try {
    return JSON.parse(json) as unknown;
  } catch {
    throw new Error(`'${prefix}' is not valid JSON`);
  }
}

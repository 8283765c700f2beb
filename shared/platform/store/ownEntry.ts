/**
 * `record[key]` for own properties only. Keys from URLs (`constructor`, `toString`...) must not find what every object
 * inherits from `Object.prototype`: a never-created resource would read as existing.
 */
export function ownEntry<T>(record: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

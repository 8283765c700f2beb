/** `1.5 GiB`, `320 KiB`, `12 B`: for the numbers in recommendation reasons. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value >= 100 || unit === 0 ? Math.round(value) : value.toFixed(1)} ${units[unit]}`;
}

/** `97.3 %`. */
export function percent(share: number): string {
  return `${(share * 100).toFixed(1)} %`;
}

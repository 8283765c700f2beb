/**
 * Stream keys as the API spells them: UTF-8 text, or `b64:<base64>` for bytes that are not UTF-8 (the messaging
 * snapshot's `keyText`). Pure, unit-tested.
 */

/** The `key` + `keyEncoding` of a `POST …/stream-actions` body. */
export function actionKey(key: string): { key: string; keyEncoding: 'utf8' | 'base64' } {
  return key.startsWith('b64:') ? { key: key.slice(4), keyEncoding: 'base64' } : { key, keyEncoding: 'utf8' };
}

/** The path of `GET …/streams/{key}`: always base64url + `keyEncoding=base64`, so `/`, `?` or `%` in a key cannot bend the URL. */
export function streamPath(clusterId: string, key: string): string {
  const bytes = key.startsWith('b64:') ? Uint8Array.from(atob(key.slice(4)), (c) => c.charCodeAt(0)) : new TextEncoder().encode(key);
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  const b64url = btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  return `/clusters/${clusterId}/streams/${b64url}?keyEncoding=base64`;
}

import type { MessagingNamespace } from '../../platform/events/schemas/messagingEvents';
import type { ClusterMessaging } from './MessagingSnapshot';
import type { KeyNamespace } from './namespaceOfKey';

/**
 * Namespaces holding streams or queues that were not announced yet, with counts and a few example keys. Returns
 * them and the new `announced` list: the namespaces holding messaging data now (one that emptied is forgotten, so
 * it is announced again if streams come back — after an admin may have set it back to `cache`, that is a new fact).
 */
export function newDiscoveries(snapshot: ClusterMessaging, matcher: (key: string) => KeyNamespace | null): { fresh: MessagingNamespace[]; announced: string[] } {
  const found = new Map<string, MessagingNamespace>();
  const add = (key: string, kind: 'streams' | 'queues'): void => {
    const ns = matcher(key);
    if (!ns) return;
    const entry = found.get(ns.namespace) ?? { namespace: ns.namespace, keyPattern: ns.keyPattern, registered: ns.registered, streams: 0, queues: 0, examples: [] };
    entry[kind] += 1;
    if (entry.examples.length < 5) entry.examples.push(key.slice(0, 512));
    found.set(ns.namespace, entry);
  };
  for (const node of snapshot.nodes) {
    for (const s of node.streams) add(s.key, 'streams');
    for (const q of node.queues) add(q.key, 'queues');
  }
  const before = new Set(snapshot.announced);
  const fresh = [...found.values()].filter((ns) => !before.has(ns.namespace)).slice(0, 100);
  const now = new Set(fresh.map((ns) => ns.namespace));
  // Past 100 in one tick, the rest waits for the next one (an event holds at most 100 namespaces).
  return { fresh, announced: [...found.keys()].filter((n) => before.has(n) || now.has(n)).sort() };
}

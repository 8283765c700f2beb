import { systemPrincipal } from '../../platform/auth/Principal';
import type { ControlPlane } from '../../platform/controlPlane';
import type { MessagingNamespace } from '../../platform/events/schemas/messagingEvents';
import type { NamespacePolicySpec } from '../../platform/registry/namespacePolicy';
import { isDomainError } from '../../platform/store/DomainError';

/** What was done for one discovered namespace. */
export interface MarkOutcome {
  namespace: string;
  outcome: 'marked' | 'registered' | 'already-persistent' | 'kept-cache' | 'name-taken';
}

/**
 * Protects namespaces found holding streams or queues: a registered one whose `retention` is unset becomes
 * `persistent`; an unregistered prefix namespace is registered as `persistent` (no TTL, not protected). Each change
 * is a `Namespace.PolicyChanged` by `redis-cluster-manager`, audited with the discovery event as correlation id.
 * An explicit `retention: cache` is an admin's decision and is kept; a proposed name taken by a namespace with
 * another pattern is left alone. Writes are conditional (If-Match / If-None-Match), so a concurrent admin change
 * wins and the decision is made again on it.
 */
export async function markPersistentNamespaces(cp: ControlPlane, clusterId: string, found: readonly MessagingNamespace[], correlationId: string): Promise<MarkOutcome[]> {
  const change = { principal: systemPrincipal, correlationId };
  const outcomes: MarkOutcome[] = [];
  for (const ns of found) {
    for (let attempt = 1; ; attempt++) {
      try {
        outcomes.push({ namespace: ns.namespace, outcome: await markOne(cp, clusterId, ns, change) });
        break;
      } catch (error) {
        if (!(isDomainError(error) && error.kind === 'precondition_failed') || attempt >= 3) throw error;
      }
    }
  }
  return outcomes;
}

async function markOne(cp: ControlPlane, clusterId: string, ns: MessagingNamespace, change: { principal: typeof systemPrincipal; correlationId: string }): Promise<MarkOutcome['outcome']> {
  const existing = (await cp.namespaces.list(clusterId)).find((p) => p.namespace === ns.namespace);
  if (!existing) {
    const spec: NamespacePolicySpec = { keyPattern: ns.keyPattern, ttlSeconds: null, ttlJitterPercent: 0, priority: 50, protected: false, retention: 'persistent', warmPlan: null };
    await cp.namespaces.put(clusterId, ns.namespace, spec, change, { ifNoneMatch: '*' });
    return 'registered';
  }
  if (!ns.registered && existing.keyPattern !== ns.keyPattern) return 'name-taken';
  if (existing.retention === 'persistent') return 'already-persistent';
  if (existing.retention === 'cache') return 'kept-cache';
  const { keyPattern, ttlSeconds, ttlJitterPercent, priority, protected: isProtected, warmPlan } = existing;
  await cp.namespaces.put(clusterId, ns.namespace, { keyPattern, ttlSeconds, ttlJitterPercent, priority, protected: isProtected, retention: 'persistent', warmPlan }, change, { ifMatch: [`"${existing.version}"`] });
  return 'marked';
}

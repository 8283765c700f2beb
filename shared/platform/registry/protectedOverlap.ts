import type { Principal } from '../auth/Principal';
import { globsIntersect } from '../keyspace/globsIntersect';
import { conflict, forbidden } from '../store/DomainError';
import type { NamespacePolicyResource } from './namespacePolicy';

/**
 * Protected (or persistent) namespaces of a cluster that `pattern` may reach: protection is about keys, not names, so a namespace
 * `ov` with pattern `app:p:*` (or `app*`) reaches the keys of protected `app:p:*` just as that namespace itself does.
 * Overlap is decided by glob intersection (`globsIntersect`): only a proof of disjointness leaves one out.
 */
export function protectedNamespacesReached(pattern: string, policies: Iterable<Pick<NamespacePolicyResource, 'namespace' | 'keyPattern' | 'protected'> & { retention?: 'cache' | 'persistent' | undefined }>): string[] {
  const reached: string[] = [];
  // Persistent namespaces (streams, queues: the only copy of their messages) are protected whatever their flag says.
  for (const policy of policies) if ((policy.protected || policy.retention === 'persistent') && globsIntersect(pattern, policy.keyPattern)) reached.push(policy.namespace);
  return reached.sort();
}

/**
 * The gate in front of every bulk change to keys (invalidation, TTL hygiene, overwriting warm): when `reasons` is not
 * empty, `force` is required (409 `namespace_protected` otherwise) and the admin role (403).
 */
export function requireForce(reasons: readonly string[], force: boolean, principal: Principal): void {
  if (reasons.length === 0) return;
  if (!force) throw conflict('namespace_protected', `${reasons.join('; ')}: send "force": true (admin role) to proceed`);
  if (principal.role !== 'admin') throw forbidden(`${reasons.join('; ')}: force needs the admin role`);
}

/** The reason text for protected namespaces a pattern reaches (empty when none). */
export function protectionReasons(pattern: string, policies: Iterable<Pick<NamespacePolicyResource, 'namespace' | 'keyPattern' | 'protected'>>): string[] {
  const reached = protectedNamespacesReached(pattern, policies);
  return reached.length === 0 ? [] : [`pattern '${pattern}' may match keys of protected namespace${reached.length > 1 ? 's' : ''} ${reached.map((n) => `'${n}'`).join(', ')}`];
}

import type { Principal } from '../../platform/auth/Principal';
import { literalPrefix } from '../../platform/keyspace/redisGlob';
import type { NamespacePolicyResource } from '../../platform/registry/namespacePolicy';
import { validationError } from '../../platform/store/DomainError';
import { protectionReasons, requireForce } from '../../platform/registry/protectedOverlap';

/**
 * The pattern a bulk operation may SCAN in a namespace. A requested pattern must stay inside the namespace: its
 * literal prefix (up to the first glob character) must extend the namespace pattern's, so `*`, `*:x` or another
 * namespace's keys are refused (400 `pattern_not_namespace_scoped`). A pattern without any literal prefix (the
 * policy itself says `*`), a persistent namespace (`retention: persistent`: streams, queues), and a pattern that may
 * match a key of any protected or persistent namespace of the cluster (this one or another, by glob intersection),
 * need `force` (409 otherwise) and the admin role (403).
 */
export function resolvePattern(policy: NamespacePolicyResource, requested: string | undefined, force: boolean, principal: Principal, policies: readonly NamespacePolicyResource[] = [policy]): string {
  const scope = literalPrefix(policy.keyPattern);
  const pattern = requested ?? policy.keyPattern;
  if (requested !== undefined && requested !== policy.keyPattern) {
    const prefix = literalPrefix(requested);
    if (prefix === '' || !prefix.startsWith(scope)) {
      throw validationError('pattern_not_namespace_scoped', `pattern '${requested}' is not inside namespace '${policy.namespace}' (its keys start with '${scope}')`, [
        { field: 'body.pattern', message: `must start with '${scope}' followed by more literal characters or a glob` },
      ]);
    }
  }
  const reasons: string[] = [];
  if (policy.protected) reasons.push(`namespace '${policy.namespace}' is protected`);
  if (policy.retention === 'persistent') reasons.push(`namespace '${policy.namespace}' holds persistent data (retention: persistent, e.g. streams or queues)`);
  if (literalPrefix(pattern) === '') reasons.push(`pattern '${pattern}' has no literal prefix and matches every key`);
  reasons.push(...protectionReasons(pattern, policies.filter((p) => p.namespace !== policy.namespace)));
  requireForce(reasons, force, principal);
  return pattern;
}

import type { Principal } from '../../platform/auth/Principal';
import { literalPrefix } from '../../platform/keyspace/redisGlob';
import type { NamespacePolicyResource } from '../../platform/registry/namespacePolicy';
import { conflict, forbidden, validationError } from '../../platform/store/DomainError';

/**
 * The pattern a bulk operation may SCAN in a namespace. A requested pattern must stay inside the namespace: its
 * literal prefix (up to the first glob character) must extend the namespace pattern's, so `*`, `*:x` or another
 * namespace's keys are refused (400 `pattern_not_namespace_scoped`). A pattern without any literal prefix (the
 * policy itself says `*`) and protected namespaces need `force` (409 otherwise) and the admin role (403).
 */
export function resolvePattern(policy: NamespacePolicyResource, requested: string | undefined, force: boolean, principal: Principal): string {
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
  if (literalPrefix(pattern) === '') reasons.push(`pattern '${pattern}' has no literal prefix and matches every key`);
  if (reasons.length > 0) {
    if (!force) throw conflict('namespace_protected', `${reasons.join('; ')}: send "force": true (admin role) to proceed`);
    if (principal.role !== 'admin') throw forbidden(`${reasons.join('; ')}: force needs the admin role`);
  }
  return pattern;
}

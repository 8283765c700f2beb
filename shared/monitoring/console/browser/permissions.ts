/**
 * Which console actions a role may use, with the reason shown on a disabled button. Mirrors the roles of the
 * admin API's routes (docs/api.md); the API stays the judge: a refused call still shows its problem+json.
 */

export type Role = 'reader' | 'operator' | 'admin';

const rank: Record<Role, number> = { reader: 0, operator: 1, admin: 2 };

/** The role each console action needs (the route's role). */
export const actionRoles = {
  invalidate: 'operator',
  cancelJob: 'operator',
  runAnalysis: 'operator',
  editNamespace: 'operator',
  changeProtection: 'admin',
  forceInvalidate: 'admin',
  applyPolicy: 'admin',
  editAlertRules: 'operator',
  reshard: 'operator',
  streamAction: 'operator',
  forceTrim: 'admin',
  editChannels: 'admin',
} as const satisfies Record<string, Role>;
export type Action = keyof typeof actionRoles;

/** `{ allowed: true }`, or `{ allowed: false, reason }` naming the role needed and the caller's. */
export function permission(role: Role | null, action: Action): { allowed: true } | { allowed: false; reason: string } {
  const needed = actionRoles[action];
  if (role === null) return { allowed: false, reason: 'sign in first' };
  if (rank[role] >= rank[needed]) return { allowed: true };
  return { allowed: false, reason: `needs the ${needed} role (you are ${role})` };
}

import { z } from 'zod';

/** Roles, weakest first: each role may do everything the ones before it may. */
export const roles = ['reader', 'operator', 'admin'] as const;
export const roleSchema = z.enum(roles);
export type Role = z.infer<typeof roleSchema>;

/**
 * Who made a change, as recorded in the audit log and on published events. `id` is the API key's name or the
 * Entra object id / UPN forwarded by API Management; never a key or a token.
 */
export const principalSchema = z.object({
  id: z.string().min(1).max(256),
  kind: z.enum(['api-key', 'entra', 'system']),
  role: roleSchema,
});
export type Principal = z.infer<typeof principalSchema>;

/** The principal of work the manager does on its own (timers, relays). */
export const systemPrincipal: Principal = { id: 'redis-cluster-manager', kind: 'system', role: 'admin' };

/** True when `role` grants at least `required`. */
export function hasRole(role: Role, required: Role): boolean {
  return roles.indexOf(role) >= roles.indexOf(required);
}

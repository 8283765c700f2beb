import type { Principal } from '../auth/Principal';
import { checkOutboundUrl, isOutboundUrlRefused, parseAllowedHosts } from '../outbound/checkOutboundUrl';
import { forbidden, validationError } from '../store/DomainError';
import type { WarmPlan } from './warmPlan';

/**
 * Checks a plan as it is saved (and again when a warm is requested): `allowPrivateNetworks` needs the admin role,
 * and an HTTP source must pass the static URL checks (allow-list, no credentials, no private / loopback /
 * link-local literal address) — so `http://169.254.169.254/` is refused with a clear 400 before anything runs.
 * The resolved addresses are checked again before every request (DNS may change).
 */
export function checkWarmPlan(plan: WarmPlan | null, principal: Principal | null, field = 'body.warmPlan'): void {
  if (plan === null || plan.source.kind !== 'http') return;
  // null: running a stored plan (an admin approved allowPrivateNetworks when it was saved); only the URL is re-checked.
  if (principal !== null && plan.source.allowPrivateNetworks && principal.role !== 'admin') {
    throw forbidden('allowPrivateNetworks on a warm source needs the admin role');
  }
  try {
    checkOutboundUrl(plan.source.url, {
      allowedHosts: parseAllowedHosts(process.env['WARM_HTTP_ALLOWED_HOSTS']),
      allowListSetting: 'WARM_HTTP_ALLOWED_HOSTS',
      allowPrivateNetworks: plan.source.allowPrivateNetworks,
    });
  } catch (error) {
    if (!isOutboundUrlRefused(error)) throw error;
    throw validationError('warm_source_refused', `warm source refused: ${error.message}`, [{ field: `${field}.source.url`, message: error.message }]);
  }
}

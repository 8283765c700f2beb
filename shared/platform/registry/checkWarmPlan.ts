import type { Principal } from '../auth/Principal';
import { checkOutboundUrl, isOutboundUrlRefused, parseAllowedHosts } from '../outbound/checkOutboundUrl';
import { forbidden, validationError } from '../store/DomainError';
import type { WarmPlan } from './warmPlan';

/** Setting: Blob containers blob warm sources may read, comma-separated; `prefix*` allows a name prefix. @default "warm-sources" */
export const warmBlobContainersSetting = 'WARM_BLOB_CONTAINERS';

/**
 * A blob source reads the app's own storage account with the app's identity, which also holds the host's keys
 * (`azure-webjobs-secrets`) and the app's snapshots: only the configured containers may be named, and never the
 * Functions host's own (`azure-webjobs-*`).
 */
function checkBlobContainer(container: string, field: string): void {
  const allowed = (process.env[warmBlobContainersSetting] || 'warm-sources') /* empty = unset */.split(',').map((c) => c.trim()).filter(Boolean);
  const listed = allowed.some((entry) => (entry.endsWith('*') ? container.startsWith(entry.slice(0, -1)) : container === entry));
  if (listed && !container.startsWith('azure-webjobs-')) return;
  const why = `container '${container}' is not one of ${warmBlobContainersSetting} (${allowed.join(', ') || 'empty'})`;
  throw validationError('warm_source_refused', `warm source refused: ${why}`, [{ field: `${field}.source.container`, message: why }]);
}

/**
 * Checks a plan as it is saved (and again when a warm is requested): `allowPrivateNetworks` needs the admin role,
 * and an HTTP source must pass the static URL checks (allow-list, no credentials, no private / loopback /
 * link-local literal address) — so `http://169.254.169.254/` is refused with a clear 400 before anything runs.
 * The resolved addresses are checked again before every request (DNS may change).
 */
export function checkWarmPlan(plan: WarmPlan | null, principal: Principal | null, field = 'body.warmPlan'): void {
  if (plan?.source.kind === 'blob') return checkBlobContainer(plan.source.container, field);
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

import type { EventGridSubscription } from '../../../shared/platform/events/subscriptionsSchema.js';
import type { RegisteredFunction } from '../core/createCoreApi.js';
import { triggerBinding } from '../http/httpRoutes.js';

/**
 * Problems with the subscriptions declaration against the registered functions. The host warns rather than
 * fails: events for such a subscription are still delivered, get 404 from the webhook and are dead-lettered,
 * which is what Azure does with a subscription whose endpoint is gone.
 */
export function checkSubscriptions(
  subscriptions: EventGridSubscription[],
  functions: Map<string, RegisteredFunction>,
): string[] {
  const warnings: string[] = [];
  for (const subscription of subscriptions) {
    const fn = functions.get(subscription.function.toLowerCase());
    if (!fn) {
      warnings.push(`Subscription '${subscription.name}' names function '${subscription.function}', which is not registered`);
    } else if (triggerBinding(fn)?.[1].type?.toLowerCase() !== 'eventgridtrigger') {
      warnings.push(`Subscription '${subscription.name}' names function '${subscription.function}', which is not an Event Grid trigger`);
    }
  }
  return warnings;
}

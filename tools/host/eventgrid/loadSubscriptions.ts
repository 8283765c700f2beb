import { existsSync, readFileSync } from 'node:fs';
import { eventGridSubscriptionsFileSchema, type EventGridSubscription } from '../../../shared/platform/events/subscriptionsSchema.js';

/** Reads and validates the subscriptions declaration; a missing default file means no subscriptions. */
export function loadSubscriptions(path: string | undefined): EventGridSubscription[] {
  if (!path || !existsSync(path)) return [];
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new Error(`Cannot read subscriptions file ${path}: ${err instanceof Error ? err.message : String(err)}`, {
      cause: err,
    });
  }
  const result = eventGridSubscriptionsFileSchema.safeParse(raw);
  if (!result.success) {
    const issues = result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new Error(`Invalid subscriptions file ${path}: ${issues}`);
  }
  return result.data.subscriptions;
}

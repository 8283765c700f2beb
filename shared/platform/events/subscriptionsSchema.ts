import { z } from 'zod';

/**
 * One Event Grid subscription of the function app, as declared in `infra/eventgrid-subscriptions.json`.
 * The local host delivers by this list; `infra/` creates one Azure event subscription per entry.
 */
export const eventGridSubscriptionSchema = z
  .object({
    /** Event subscription name; Azure allows 3-64 letters, digits and hyphens. */
    name: z.string().regex(/^[A-Za-z0-9-]{3,64}$/, 'must be 3-64 letters, digits or hyphens'),
    /** The Event Grid triggered function that receives the events. */
    function: z.string().min(1),
    /** `topic`: the app's CloudEvents custom topic; `redis`: the Azure Cache system topic (Event Grid schema). */
    source: z.enum(['topic', 'redis']),
    /** Event types delivered; omitted = every type (Azure `includedEventTypes` unset). */
    eventTypes: z.array(z.string().min(1)).min(1).optional(),
    /** Optional subject filters (Azure `subjectBeginsWith` / `subjectEndsWith`, case-insensitive). */
    subjectBeginsWith: z.string().min(1).optional(),
    subjectEndsWith: z.string().min(1).optional(),
    /** Delivery attempts before dead-lettering. @default 30 (the Azure default and maximum) */
    maxDeliveryAttempts: z.number().int().min(1).max(30).default(30),
    /** Minutes an undelivered event is retried before dead-lettering. @default 1440 (the Azure default and maximum) */
    eventTimeToLiveMinutes: z.number().int().min(1).max(1440).default(1440),
  })
  .strict();

export const eventGridSubscriptionsFileSchema = z
  .object({
    $comment: z.string().optional(),
    subscriptions: z.array(eventGridSubscriptionSchema),
  })
  .strict()
  .superRefine((file, ctx) => {
    const seen = new Set<string>();
    file.subscriptions.forEach((subscription, index) => {
      const key = subscription.name.toLowerCase();
      if (seen.has(key)) {
        ctx.addIssue({
          code: 'custom',
          path: ['subscriptions', index, 'name'],
          message: `duplicate subscription name '${subscription.name}'`,
        });
      }
      seen.add(key);
    });
  });

export type EventGridSubscription = z.infer<typeof eventGridSubscriptionSchema>;
export type EventGridSubscriptionsFile = z.infer<typeof eventGridSubscriptionsFileSchema>;

/** Whether an event of `type` with `subject` passes the subscription's filters. */
export function subscriptionMatches(subscription: EventGridSubscription, type: string, subject: string): boolean {
  if (subscription.eventTypes && !subscription.eventTypes.some((t) => t.toLowerCase() === type.toLowerCase())) {
    return false;
  }
  const lowerSubject = subject.toLowerCase();
  if (subscription.subjectBeginsWith && !lowerSubject.startsWith(subscription.subjectBeginsWith.toLowerCase())) {
    return false;
  }
  return !(subscription.subjectEndsWith && !lowerSubject.endsWith(subscription.subjectEndsWith.toLowerCase()));
}

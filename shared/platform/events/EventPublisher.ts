import { AzureKeyCredential } from '@azure/core-auth';
import { EventGridPublisherClient } from '@azure/eventgrid';
import type { AppSettings } from '../config/appSettings';
import { azureCredential } from '../config/azureCredential';
import type { StoredEvent } from '../store/StoredEvent';
import { toCloudEvent } from './toCloudEvent';

/** Sends stored events to the topic. Throws when they were not accepted; the caller keeps them in the outbox. */
export interface EventPublisher {
  publish(events: readonly StoredEvent[]): Promise<void>;
}

/** Event Grid accepts at most 1 MB per request; admin events are small, 50 keeps a batch far below it. */
const batchSize = 50;

/**
 * The one publisher of the app: the real `EventGridPublisherClient` in CloudEvent mode. With a topic key (local host)
 * it uses the key; without one, the managed identity (Azure, where topic keys are disabled).
 * Returns undefined when no topic is configured: changes then stay in the outbox until one is.
 */
export function eventGridPublisher(settings: AppSettings, options: { timeoutMs?: number } = {}): EventPublisher | undefined {
  const endpoint = settings.EVENTGRID_TOPIC_ENDPOINT;
  if (!endpoint) return undefined;
  const credential = settings.EVENTGRID_TOPIC_KEY ? new AzureKeyCredential(settings.EVENTGRID_TOPIC_KEY) : azureCredential(settings.AZURE_CLIENT_ID);
  // One quick retry only: the outbox relay is the real retry loop, and an admin request must not wait on a dead topic.
  const client = new EventGridPublisherClient(endpoint, 'CloudEvent', credential, {
    allowInsecureConnection: endpoint.startsWith('http:'),
    retryOptions: { maxRetries: 1, retryDelayInMs: 200, maxRetryDelayInMs: 500 },
  });
  const timeoutMs = options.timeoutMs ?? 5000;
  return {
    async publish(events) {
      for (let i = 0; i < events.length; i += batchSize) {
        await client.send(events.slice(i, i + batchSize).map(toCloudEvent), { abortSignal: AbortSignal.timeout(timeoutMs) });
      }
    },
  };
}

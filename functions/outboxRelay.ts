import { app, type InvocationContext, type Timer } from '@azure/functions';
import { controlPlane } from '../shared/store/controlPlane';
import { relayOutbox } from '../shared/store/relayOutbox';

/** Every 30 s: publish events the admin API could not publish at once (Event Grid was unreachable). */
export async function outboxRelay(_timer: Timer, context: InvocationContext): Promise<void> {
  const result = await relayOutbox(await controlPlane());
  if (result.published > 0 || result.pending > 0) context.log(`outbox relay: published ${result.published}, pending ${result.pending}, purged ${result.purged}`);
}

app.timer('outboxRelay', { schedule: '*/30 * * * * *', handler: outboxRelay });

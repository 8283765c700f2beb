import { app, type InvocationContext, type Timer } from '@azure/functions';

/** Every 30 s: publish events the admin API could not publish at once (Event Grid was unreachable). */
export async function outboxRelay(_timer: Timer, context: InvocationContext): Promise<void> {
  // Loaded here, not at import: cold start of the app stays small (shared/platform/lazy.ts).
  const [{ controlPlane }, { relayOutbox }] = await Promise.all([import('../shared/platform/controlPlane.js'), import('../shared/platform/store/relayOutbox.js')]);
  const result = await relayOutbox(await controlPlane());
  if (result.published > 0 || result.pending > 0) context.log(`outbox relay: published ${result.published}, pending ${result.pending}, purged ${result.purged}`);
}

app.timer('outboxRelay', { schedule: '*/30 * * * * *', handler: outboxRelay });

import type { ControlPlane } from '../controlPlane';
import type { RelayResult } from './Outbox';

export interface HousekeepingResult extends RelayResult {
  /** Expired subscriber-dedupe and Idempotency-Key rows deleted. */
  purged: number;
}

/**
 * One tick of the outbox relay: publish what inline publishing could not, then purge expired dedupe and
 * idempotency rows (bounded, so one tick stays short; expired rows are ignored by readers anyway).
 */
export async function relayOutbox(cp: ControlPlane, maxEvents = 500): Promise<HousekeepingResult> {
  const result = await cp.outbox.relay(maxEvents);
  const purged = (await cp.dedupe.purgeExpired(200)) + (await cp.idempotency.purgeExpired(200));
  return { ...result, purged };
}

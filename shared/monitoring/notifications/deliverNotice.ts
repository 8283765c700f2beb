import type { TokenCredential } from '@azure/core-auth';
import type { lookup } from 'node:dns/promises';
import type { ChannelResource } from './ChannelRegistry';
import type { DeliveryLog, DeliveryState } from './DeliveryLog';
import type { NotificationSettings } from './notificationSettings';
import type { Notice } from './notices';
import { postJson } from './postJson';
import { renderNotice } from './renderNotice';
import { ChannelSecretUnresolved, resolveChannelSecret } from './resolveChannelSecret';
import { sendWithRetries } from './sendWithRetries';
import { signatureHeader, signWebhook, timestampHeader } from './webhookSignature';

export interface DeliveryDeps {
  log: DeliveryLog;
  settings: NotificationSettings;
  credential: () => TokenCredential;
  env?: NodeJS.ProcessEnv;
  resolve?: typeof lookup;
}

/** What happened to one notice on one channel. */
export type ChannelOutcome = { channel: string; outcome: Exclude<DeliveryState, 'sending'> | 'skipped' | 'in-progress'; attempts: number; reason?: string };

/** Header naming the message (the notice key): the same on every attempt and redelivery, so receivers can dedupe too. */
export const deliveryHeader = 'x-rcm-delivery';

/**
 * Sends one notice to one channel at most once: claims the (channel, notice key) row, sends with retries and
 * backoff, then records `delivered` — or a dead letter when every attempt failed or the channel cannot be used
 * (secret unresolved, URL refused). A notice already delivered, dead-lettered or being sent elsewhere is skipped.
 */
export async function deliverNotice(channel: ChannelResource, notice: Notice, deps: DeliveryDeps): Promise<ChannelOutcome> {
  const { settings } = deps;
  const leaseMs = settings.NOTIFY_DELIVERY_BUDGET_MS + 30_000;
  const claim = await deps.log.claim(channel.name, notice.key, leaseMs);
  if (!claim.claimed) {
    // Being sent by another invocation: the caller has Event Grid retry later rather than trust it finishes.
    if (claim.state === 'sending') return { channel: channel.name, outcome: 'in-progress', attempts: 0 };
    return { channel: channel.name, outcome: 'skipped', attempts: 0, reason: `already ${claim.state}` };
  }
  const body = JSON.stringify(renderNotice(channel.kind, notice));
  let result: { ok: boolean; attempts: number; status: number | null; reason?: string };
  try {
    const url = await resolveChannelSecret(channel.url, deps);
    const secret = channel.kind === 'webhook' ? await resolveChannelSecret(channel.signingSecret, deps) : null;
    const policy = { allowedHosts: settings.allowedHosts, allowPrivateNetworks: channel.allowPrivateNetworks, allowListSetting: 'NOTIFY_ALLOWED_HOSTS' };
    const sent = await sendWithRetries(
      () => {
        const headers: Record<string, string> = { [deliveryHeader]: notice.key };
        if (secret !== null) {
          // Signed per attempt: the timestamp is the attempt's, so a receiver's replay window holds for retries too.
          const timestamp = Math.floor(Date.now() / 1000);
          headers[timestampHeader] = String(timestamp);
          headers[signatureHeader] = signWebhook(body, secret, timestamp);
        }
        return postJson(url, body, { policy, timeoutMs: settings.NOTIFY_TIMEOUT_MS, headers, ...(deps.resolve ? { resolve: deps.resolve } : {}) });
      },
      { maxAttempts: settings.NOTIFY_MAX_ATTEMPTS, baseDelayMs: settings.NOTIFY_RETRY_BASE_MS, budgetMs: settings.NOTIFY_DELIVERY_BUDGET_MS },
    );
    result = sent.ok ? { ok: true, attempts: sent.attempts, status: sent.status } : { ok: false, attempts: sent.attempts, status: sent.status, reason: sent.reason };
  } catch (error) {
    if (!(error instanceof ChannelSecretUnresolved)) {
      // Unexpected (storage, Key Vault outage...): free the claim so the redelivered event can send it.
      await deps.log.release(channel.name, notice.key, claim.etag);
      throw error;
    }
    result = { ok: false, attempts: 0, status: null, reason: error.message };
  }
  if (!result.ok) {
    await deps.log.deadLetter({ channel: channel.name, noticeKey: notice.key, eventId: notice.event.id, eventType: notice.event.type, clusterId: notice.clusterId, attempts: result.attempts, lastStatus: result.status, reason: result.reason ?? 'failed', failedAt: new Date().toISOString(), body });
  }
  await deps.log.settle(channel.name, notice.key, claim.etag, result.ok ? 'delivered' : 'dead-lettered', { attempts: result.attempts, status: result.status });
  return { channel: channel.name, outcome: result.ok ? 'delivered' : 'dead-lettered', attempts: result.attempts, ...(result.reason ? { reason: result.reason } : {}) };
}

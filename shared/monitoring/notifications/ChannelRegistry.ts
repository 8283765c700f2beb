import type { ChangeContext } from '../../platform/registry/ClusterStreams';
import type { DomainEvent } from '../../platform/events/catalogue';
import type { NotificationChannelSpec } from '../../platform/events/schemas/notificationEvents';
import { isConcurrencyError } from '../../platform/store/ConcurrencyError';
import { conflict, notFound } from '../../platform/store/DomainError';
import type { EventStore } from '../../platform/store/EventStore';
import type { Outbox } from '../../platform/store/Outbox';
import { checkPreconditions, type Preconditions } from '../../platform/store/preconditions';
import type { StoredEvent } from '../../platform/store/StoredEvent';
import { notificationsStreamId } from '../../platform/store/streamId';
import { ownEntry } from '../../platform/store/ownEntry';

/** A channel as the API shows it: its spec (secret *references* only), version (ETag) and who changed it. */
export type ChannelResource = NotificationChannelSpec & {
  name: string;
  /** Version of the `notifications` stream at this channel's last change. */
  version: number;
  createdAt: string;
  createdBy: string;
  updatedAt: string;
  updatedBy: string;
};

type Channels = Record<string, ChannelResource>;

/** The projection of the `notifications` stream: a pure fold, so replay gives the snapshot exactly. */
export function foldChannels(events: readonly StoredEvent[], from: Channels = {}): Channels {
  const channels: Channels = { ...from };
  for (const e of events) {
    if (e.type === 'RedisClusterManager.Notification.ChannelChanged') {
      const before = ownEntry(channels, e.data.channel);
      const by = e.principal.id;
      channels[e.data.channel] = { ...e.data.spec, name: e.data.channel, version: e.version, createdAt: before?.createdAt ?? e.time, createdBy: before?.createdBy ?? by, updatedAt: e.time, updatedBy: by };
    } else if (e.type === 'RedisClusterManager.Notification.ChannelRemoved') {
      delete channels[e.data.channel];
    }
  }
  return channels;
}

const maxAttempts = 8;

/**
 * Notification channels, event-sourced in their own `notifications` stream: every change is an event (audited with
 * principal and correlation id, published through the outbox), the head row holds the current channels.
 */
export class ChannelRegistry {
  constructor(
    private readonly store: EventStore,
    private readonly outbox: Outbox,
  ) {}

  async list(): Promise<ChannelResource[]> {
    return Object.values((await this.load()).channels).sort((a, b) => a.name.localeCompare(b.name));
  }

  async get(name: string): Promise<ChannelResource> {
    const channel = ownEntry((await this.load()).channels, name);
    if (!channel) throw notFound('channel_not_found', `notification channel '${name}' does not exist`);
    return channel;
  }

  /** Creates or replaces a channel (`If-Match` / `If-None-Match` against its version). */
  async put(name: string, spec: NotificationChannelSpec, context: ChangeContext, preconditions?: Preconditions): Promise<{ channel: ChannelResource; created: boolean }> {
    let created = false;
    const channels = await this.change(context, (current) => {
      const existing = ownEntry(current, name) ?? null;
      checkPreconditions(existing, preconditions);
      created = existing === null;
      return [{ type: 'RedisClusterManager.Notification.ChannelChanged', data: { channel: name, spec, created } }];
    });
    return { channel: channels[name] as ChannelResource, created };
  }

  async remove(name: string, context: ChangeContext, preconditions?: Preconditions): Promise<void> {
    await this.change(context, (current) => {
      const existing = ownEntry(current, name);
      if (!existing) throw notFound('channel_not_found', `notification channel '${name}' does not exist`);
      checkPreconditions(existing, preconditions);
      return [{ type: 'RedisClusterManager.Notification.ChannelRemoved', data: { channel: name } }];
    });
  }

  private async load(): Promise<{ channels: Channels; version: number }> {
    const head = await this.store.head(notificationsStreamId);
    if (head.version === 0) return { channels: {}, version: 0 };
    const snapshot = head.snapshot as { channels?: Channels } | null;
    if (snapshot?.channels) return { channels: snapshot.channels, version: head.version };
    return { channels: foldChannels(await this.store.read(notificationsStreamId)), version: head.version };
  }

  private async change(context: ChangeContext, decide: (current: Channels) => DomainEvent[]): Promise<Channels> {
    for (let attempt = 1; ; attempt += 1) {
      const { channels, version } = await this.load();
      const events = decide(channels);
      let next = channels;
      try {
        const stored = await this.store.append(notificationsStreamId, version, events, { ...context, snapshot: (appended) => ({ channels: (next = foldChannels(appended, channels)) }) });
        await this.outbox.publishNow(stored);
        return next;
      } catch (error) {
        if (!isConcurrencyError(error)) throw error;
        if (attempt >= maxAttempts) throw conflict('concurrency_conflict', 'notification channels are being changed concurrently; retry');
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 20 * attempt));
      }
    }
  }
}

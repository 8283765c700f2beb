import type { TableClient } from '@azure/data-tables';
import { authConfig, type AuthConfig } from '../platform/auth/authConfig';
import { ClusterService } from './registry/ClusterService';
import { ClusterStreams } from '../platform/registry/ClusterStreams';
import type { AppSettings } from '../platform/config/appSettings';
import { loadSettings } from '../platform/config/loadSettings';
import { EventDeduper } from '../platform/events/EventDeduper';
import { eventGridPublisher, type EventPublisher } from '../platform/events/EventPublisher';
import { IdempotencyStore } from '../platform/http/IdempotencyStore';
import { NamespaceService } from './registry/NamespaceService';
import { storageTarget, tableClient } from '../platform/storage/storageClients';
import { controlPlaneSettings, type ControlPlaneSettings } from '../platform/store/controlPlaneSettings';
import { EventStore } from '../platform/store/EventStore';
import { Outbox, type Logger } from '../platform/store/Outbox';

/** The control-plane services every admin function uses, wired once per process. */
export interface ControlPlane {
  settings: ControlPlaneSettings;
  auth: AuthConfig;
  store: EventStore;
  outbox: Outbox;
  streams: ClusterStreams;
  clusters: ClusterService;
  namespaces: NamespaceService;
  idempotency: IdempotencyStore;
  dedupe: EventDeduper;
}

/** Outbox and relay logs outlive one invocation, so they go to the process log (captured by the Functions host). */
const processLog: Logger = {
  warn: (...args) => console.warn('[control-plane]', ...args),
  error: (...args) => console.error('[control-plane]', ...args),
};

/**
 * Builds the services over the configured storage and topic, creating the tables when missing.
 * `publisher` overrides the Event Grid publisher (tests and tools); `null` disables publishing.
 */
export async function openControlPlane(appSettings: AppSettings, options: { publisher?: EventPublisher | null; log?: Logger } = {}): Promise<ControlPlane> {
  const settings = controlPlaneSettings(appSettings);
  const target = storageTarget(appSettings);
  const table = (suffix: string): TableClient => tableClient(target, `${settings.tablePrefix}${suffix}`);
  const [events, dedupe, idempotency] = [table('events'), table('dedupe'), table('idempotency')];
  await Promise.all([events.createTable(), dedupe.createTable(), idempotency.createTable()]);
  const store = new EventStore(events);
  const publisher = options.publisher === undefined ? eventGridPublisher(appSettings, { timeoutMs: settings.publishTimeoutMs }) : (options.publisher ?? undefined);
  const outbox = new Outbox(store, publisher, options.log ?? processLog);
  const streams = new ClusterStreams(store, outbox);
  return {
    settings,
    auth: authConfig(appSettings),
    store,
    outbox,
    streams,
    clusters: new ClusterService(streams),
    namespaces: new NamespaceService(streams),
    idempotency: new IdempotencyStore(idempotency, settings.idempotencyTtlSeconds),
    dedupe: new EventDeduper(dedupe, { ttlSeconds: settings.dedupeTtlSeconds }),
  };
}

let shared: Promise<ControlPlane> | undefined;

/** The process-wide control plane from app settings; a failed start is not cached, so the next call retries. */
export function controlPlane(): Promise<ControlPlane> {
  shared ??= openControlPlane(loadSettings()).catch((error: unknown) => {
    shared = undefined;
    throw error;
  });
  return shared;
}

import { z } from 'zod';
import { jsonResponse } from '../../platform/http/ApiRequest';
import type { RouteTable } from '../../platform/http/apiHandler';
import { parseInput } from '../../platform/http/parseInput';
import { queryOf } from '../../platform/http/queryOf';
import { named, openObject } from '../../platform/http/RouteDoc';
import { clusterParamsSchema, resourceIdSchema } from '../../platform/registry/resourceId';
import { notFound, validationError } from '../../platform/store/DomainError';
import { monitoring, type Monitoring } from '../collection/openMonitoring';
import type { ClusterMessaging } from './MessagingSnapshot';
import { keyText } from './replyFields';

/** Query of `GET /api/clusters/{id}/streams`. */
export const streamsQuerySchema = z.strictObject({
  /** Only keys of this namespace (registered, or the proposed prefix namespace). */
  namespace: resourceIdSchema.optional(),
  /** Streams (and queues) listed at most, busiest first (pending, then lag, then length). @default 200 */
  limit: z.coerce.number().int().min(1).max(10_000).default(200),
});

/** The snapshot or a 404 naming why there is none. */
async function snapshotOf(m: Monitoring, id: string): Promise<ClusterMessaging> {
  const snapshot = await m.messaging.load(id);
  if (!snapshot) throw notFound('messaging_not_collected', `no messaging snapshot for cluster '${id}' yet: it is written by the monitor tick (MONITOR_MESSAGING=on)`);
  return snapshot;
}

/**
 * `GET /api/clusters/{id}/streams?namespace=&limit=` (reader): per master what the last monitor tick found —
 * discovery state and cost, Pub/Sub, and the streams (summary per stream) and queues, busiest first.
 */
export function streamListRoutesFor(open: () => Promise<Monitoring>): RouteTable {
  return {
    GET: {
      role: 'reader',
      doc: {
        operationId: 'listClusterStreams',
        summary: 'Streams, lists used as queues and Pub/Sub per master, as found by the last monitor tick (busiest first), with discovery state and cost',
        query: streamsQuerySchema,
        responses: {
          '200': { description: 'nodes (discovery state, cost, pubsub), streams, queues', body: openObject('MessagingSnapshot', 'nodes: [{node, complete, truncated, cost, pubsub}], streams: [{node, key, namespace, length, groups, consumers, pending, maxLag, capped}], queues') },
          '404': 'the cluster is not registered, or no messaging snapshot yet (messaging_not_collected)',
        },
      },
      async handle({ req, cp }) {
        const { id } = parseInput(clusterParamsSchema, req.params, 'params');
        const query = parseInput(streamsQuerySchema, queryOf(req.query), 'query');
        await cp.clusters.get(id);
        const snapshot = await snapshotOf(await open(), id);
        const inScope = <T extends { namespace: string | null }>(k: T): boolean => !query.namespace || k.namespace === query.namespace;
        const streams = snapshot.nodes
          .flatMap((n) =>
            n.streams.filter(inScope).map((s) => ({
              node: n.node,
              key: s.key,
              namespace: s.namespace,
              length: s.length,
              memoryBytes: s.memoryBytes,
              firstId: s.firstId,
              lastId: s.lastId,
              entriesAdded: s.entriesAdded,
              capped: s.capped,
              groups: s.groups.length,
              consumers: s.groups.reduce((sum, g) => sum + g.consumerCount, 0),
              pending: s.groups.reduce((sum, g) => sum + g.pending, 0),
              maxLag: s.groups.reduce<number | null>((max, g) => (g.lag === null ? max : Math.max(max ?? 0, g.lag)), null),
              oldestPendingIdleMs: s.groups.reduce<number | null>((max, g) => (g.oldestPendingIdleMs === null ? max : Math.max(max ?? 0, g.oldestPendingIdleMs)), null),
            })),
          )
          .sort((a, b) => b.pending - a.pending || (b.maxLag ?? 0) - (a.maxLag ?? 0) || b.length - a.length);
        const queues = snapshot.nodes.flatMap((n) => n.queues.filter(inScope).map((q) => ({ node: n.node, ...q }))).sort((a, b) => b.length - a.length);
        return jsonResponse(200, {
          clusterId: id,
          at: new Date(snapshot.at).toISOString(),
          nodes: snapshot.nodes.map(({ node, at, pubsub, complete, truncated, cost, error, streams: s, queues: q }) => ({ node, at: new Date(at).toISOString(), complete, truncated, error, streams: s.length, queues: q.length, cost, pubsub })),
          streams: streams.slice(0, query.limit),
          streamsTotal: streams.length,
          queues: queues.slice(0, query.limit),
          queuesTotal: queues.length,
          announcedNamespaces: snapshot.announced,
        });
      },
    },
  };
}

/**
 * `GET /api/clusters/{id}/streams/{key}?keyEncoding=utf8|base64` (reader): one stream as last seen, with every group
 * (lag, entries-read, pending, oldest pending entry) and its consumers (pending, idle). 404 `stream_not_found`.
 */
export function streamRoutesFor(open: () => Promise<Monitoring>): RouteTable {
  return {
    GET: {
      role: 'reader',
      doc: {
        operationId: 'getClusterStream',
        summary: 'One stream as last seen: groups (lag, entries-read, pending, oldest pending entry) and consumers (pending, idle)',
        params: { key: { description: 'the stream key (URL-encoded; base64url with keyEncoding=base64 for binary keys or keys with "/")', schema: named('StreamKeyParam', z.string().min(1)) } },
        query: z.object({ keyEncoding: z.enum(['utf8', 'base64']).default('utf8').describe('how {key} is encoded') }),
        responses: {
          '200': { description: 'the stream', body: openObject('StreamInfo', 'key, node, length, memoryBytes, firstId, lastId, entriesAdded, capped, groups: [{name, pending, lag, entriesRead, oldestPendingId, oldestPendingIdleMs, consumers: [{name, pending, idleMs}]}]') },
          '404': 'unknown cluster, no messaging snapshot yet, or stream_not_found',
        },
      },
      async handle({ req, cp }) {
        const { id } = parseInput(clusterParamsSchema, { id: req.params['id'] }, 'params');
        const key = streamKeyParam(req.params['key'], req.query.get('keyEncoding') ?? 'utf8');
        await cp.clusters.get(id);
        const snapshot = await snapshotOf(await open(), id);
        for (const n of snapshot.nodes) {
          const stream = n.streams.find((s) => s.key === key);
          if (stream) return jsonResponse(200, { clusterId: id, node: n.node, at: new Date(n.at).toISOString(), ...stream });
        }
        throw notFound('stream_not_found', `no stream '${key.slice(0, 200)}' in the last messaging snapshot of cluster '${id}'`);
      },
    },
  };
}

/** The `{key}` segment as the snapshot spells keys (UTF-8, or `b64:` for binary keys passed with keyEncoding=base64). */
function streamKeyParam(raw: string | undefined, encoding: string): string {
  const bad = (field: string, message: string): Error => validationError('invalid_key', `${field} ${message}`, [{ field, message }]);
  if (encoding !== 'utf8' && encoding !== 'base64') throw bad('query.keyEncoding', "must be 'utf8' or 'base64'");
  if (!raw) throw bad('params.key', 'must not be empty');
  if (raw.length > 2048) throw bad('params.key', 'must be at most 2048 characters');
  if (encoding === 'utf8') return raw;
  if (!/^[A-Za-z0-9_\-+/]+={0,2}$/.test(raw)) throw bad('params.key', 'is not valid base64/base64url');
  return keyText(Buffer.from(raw.replace(/-/g, '+').replace(/_/g, '/'), 'base64'));
}

export const streamListRoutes = streamListRoutesFor(monitoring);
export const streamRoutes = streamRoutesFor(monitoring);

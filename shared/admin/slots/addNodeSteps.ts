import type { RedisConnection } from '../../platform/redis/RedisConnectionManager';
import { collectSnapshot } from '../../platform/topology/collectSnapshot';
import { parseClusterNodes, selfEntry, type ClusterNodeEntry } from '../../platform/topology/parseClusterNodes';
import { parseInfo } from '../../platform/topology/parseInfo';
import { StepFailed, type NodeStep } from './nodeStep';

/** A node as a node job addresses it. */
export interface JobNode {
  id: string;
  /** `host:port`, as the API shows it. */
  key: string;
  host: string;
  port: number;
}

/** The frozen add-node plan. */
export interface AddNodeParams {
  operation: 'add-node';
  node: JobNode;
  /** The member the new node meets. */
  meet: { id: string; host: string; port: number };
  /** Set for a replica: the master it follows. */
  masterId?: string;
  waitMs: number;
}

/** A node's own `CLUSTER NODES`, over the cluster's pooled connection to it. */
export async function viewOf(connection: RedisConnection, node: { host: string; port: number }): Promise<ClusterNodeEntry[]> {
  return parseClusterNodes(String(await (await connection.node(node)).call('CLUSTER', 'NODES')));
}

const known = (view: readonly ClusterNodeEntry[], id: string): boolean => view.some((e) => e.id === id && !e.flags.includes('handshake') && !e.flags.includes('noaddr'));

/** Re-issued at most this often while a MEET or REPLICATE has not taken effect (attempts are 250 ms apart). */
const REISSUE_EVERY = 20;

/**
 * The add-node saga: MEET, wait until every node knows the newcomer (and it knows every node), REPLICATE for a
 * replica and wait for its link, then check every node agrees on its role. Each attempt looks first and only then
 * acts, so running one again (after a crash) never does anything twice that matters.
 */
export const addNodeSteps: NodeStep<AddNodeParams>[] = [
  {
    name: 'meet',
    timeoutCode: 'node_not_met',
    boundMs: (p) => p.waitMs,
    async attempt({ connection, params, attempt }) {
      const view = await viewOf(connection, params.node);
      if (known(view, params.meet.id)) return true;
      if (attempt % REISSUE_EVERY === 0) {
        const self = selfEntry(view);
        // Still the empty node the plan saw? (A resume may find it changed: then refuse rather than merge data in.)
        if (self?.id !== params.node.id) throw new StepFailed('node_changed', `${params.node.key} is node ${self?.id ?? 'unknown'} now, not ${params.node.id} as planned`);
        const keys = Number(await (await connection.node(params.node)).dbsize());
        if (keys > 0 && view.length === 1) throw new StepFailed('node_not_empty', `${params.node.key} holds ${keys} key(s) now; nothing was changed`);
        await (await connection.node(params.node)).call('CLUSTER', 'MEET', params.meet.host, String(params.meet.port));
      }
      return `${params.node.key} does not know ${params.meet.id} yet`;
    },
  },
  {
    name: 'join',
    timeoutCode: 'node_not_joined',
    boundMs: (p) => p.waitMs,
    async attempt({ connection, params, result }) {
      const snapshot = await collectSnapshot(connection);
      if (snapshot.mode !== 'cluster') throw new StepFailed('cluster_not_ready', 'the cache is not a Redis Cluster any more');
      const members = snapshot.nodes.filter((n) => n.reachable && n.id !== params.node.id);
      const mine = await viewOf(connection, params.node);
      const missing = [...members.filter((n) => !known(n.view ?? [], params.node.id)).map((n) => `${n.address.host}:${n.address.port} does not list it`), ...members.filter((n) => n.id && !known(mine, n.id)).map((n) => `it does not list ${n.address.host}:${n.address.port}`)];
      if (missing.length > 0) return missing.join('; ');
      result['knownBy'] = members.length;
      return true;
    },
  },
  {
    name: 'replicate',
    timeoutCode: 'replica_not_synced',
    boundMs: (p) => p.waitMs,
    async attempt({ connection, params, attempt }) {
      if (!params.masterId) return true;
      const self = selfEntry(await viewOf(connection, params.node));
      const redis = await connection.node(params.node);
      if (self?.flags.includes('slave') && self.masterId === params.masterId) {
        const link = parseInfo(String(await redis.info('replication')))['master_link_status'];
        return link === 'up' ? true : `replica link is ${link ?? 'unknown'} (full synchronisation under way)`;
      }
      if (attempt % REISSUE_EVERY === 0) {
        try {
          await redis.call('CLUSTER', 'REPLICATE', params.masterId);
        } catch (error) {
          // The newcomer has not heard of the master yet (gossip lag): try again later.
          if (!/unknown node/i.test(error instanceof Error ? error.message : String(error))) throw new StepFailed('replicate_refused', `CLUSTER REPLICATE refused by ${params.node.key}: ${error instanceof Error ? error.message.slice(0, 200) : 'unknown'}`);
        }
      }
      return `${params.node.key} does not replicate ${params.masterId} yet`;
    },
  },
  {
    name: 'verify',
    timeoutCode: 'node_role_disputed',
    boundMs: (p) => p.waitMs,
    async attempt({ connection, params }) {
      const snapshot = await collectSnapshot(connection);
      if (snapshot.mode !== 'cluster') throw new StepFailed('cluster_not_ready', 'the cache is not a Redis Cluster any more');
      const wrong: string[] = [];
      for (const node of snapshot.nodes.filter((n) => n.reachable)) {
        const entry = (node.view ?? []).find((e) => e.id === params.node.id);
        const ok = entry && (params.masterId ? entry.flags.includes('slave') && entry.masterId === params.masterId : entry.flags.includes('master'));
        if (!ok) wrong.push(`${node.address.host}:${node.address.port} sees it as ${entry ? entry.flags.join(',') : 'unknown'}`);
      }
      return wrong.length === 0 ? true : wrong.join('; ');
    },
  },
];

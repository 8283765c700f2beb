import { collectSnapshot } from '../../platform/topology/collectSnapshot';
import { selfEntry } from '../../platform/topology/parseClusterNodes';
import { viewOf, type JobNode } from './addNodeSteps';
import { StepFailed, type NodeStep } from './nodeStep';

/** The frozen failover plan. */
export interface FailoverParams {
  operation: 'failover';
  replica: JobNode;
  /** Its master when the plan was made: the node that becomes its replica. */
  masterId: string;
  mode: 'default' | 'force' | 'takeover';
  waitMs: number;
}

/**
 * A manual failover that has not happened within this many attempts (250 ms apart) is issued again: Redis gives a
 * default one up after 5 s (CLUSTER_MF_TIMEOUT) when the master did not pause in time, and resumes the master.
 */
const REISSUE_EVERY = 40;

/**
 * The failover saga: CLUSTER FAILOVER [FORCE|TAKEOVER] on the replica until it reports itself master (issued again if
 * Redis abandoned it), then every reachable node must list it as the master of its slots. An attempt that finds the
 * replica already promoted (a resume after a crash) goes straight on.
 */
export const failoverSteps: NodeStep<FailoverParams>[] = [
  {
    name: 'promote',
    timeoutCode: 'failover_timed_out',
    boundMs: (p) => p.waitMs,
    async attempt({ connection, params, attempt, result }) {
      const self = selfEntry(await viewOf(connection, params.replica));
      if (self?.id !== params.replica.id) throw new StepFailed('node_changed', `${params.replica.key} is node ${self?.id ?? 'unknown'} now, not ${params.replica.id} as planned`);
      if (!self.flags.includes('slave')) {
        result['slots'] = self.slots.reduce((n, [a, b]) => n + b - a + 1, 0);
        return true;
      }
      if (attempt % REISSUE_EVERY === 0) {
        const args = params.mode === 'default' ? [] : [params.mode.toUpperCase()];
        try {
          await (await connection.node(params.replica)).call('CLUSTER', 'FAILOVER', ...args);
        } catch (error) {
          // e.g. "Master is down or failed, please use CLUSTER FAILOVER FORCE": waiting will not change that.
          throw new StepFailed('failover_refused', `CLUSTER FAILOVER${args.length ? ` ${args[0]}` : ''} refused by ${params.replica.key}: ${error instanceof Error ? error.message.slice(0, 200) : 'unknown'}`);
        }
      }
      return `${params.replica.key} is still a replica of ${self.masterId ?? 'unknown'}`;
    },
  },
  {
    name: 'agree',
    timeoutCode: 'failover_not_agreed',
    boundMs: (p) => p.waitMs,
    async attempt({ connection, params }) {
      const snapshot = await collectSnapshot(connection);
      if (snapshot.mode !== 'cluster') throw new StepFailed('cluster_not_ready', 'the cache is not a Redis Cluster any more');
      const wrong: string[] = [];
      for (const node of snapshot.nodes.filter((n) => n.reachable)) {
        const entry = (node.view ?? []).find((e) => e.id === params.replica.id);
        if (!entry || entry.flags.includes('slave')) wrong.push(`${node.address.host}:${node.address.port} still sees it as ${entry?.flags.join(',') ?? 'unknown'}`);
        const former = (node.view ?? []).find((e) => e.id === params.masterId);
        // The former master, when it answers, follows the promoted replica (it may be failed and not answer at all).
        if (node.id === params.masterId && former && (!former.flags.includes('slave') || former.masterId !== params.replica.id)) wrong.push(`the former master ${node.address.host}:${node.address.port} is ${former.flags.join(',')}`);
      }
      return wrong.length === 0 ? true : wrong.join('; ');
    },
  },
];

import type { Principal } from '../../platform/auth/Principal';
import type { RedisConnection } from '../../platform/redis/RedisConnectionManager';
import { conflict, DomainError } from '../../platform/store/DomainError';
import { findNode, readClusterNodes } from './clusterNodes';
import type { FailoverRequest } from './nodeRequest';
import type { PlanRisk } from './planReshard';

/** What a failover dry run answers. */
export interface FailoverPlan {
  operation: 'failover';
  mode: FailoverRequest['mode'];
  replica: { id: string; address: string };
  master: { id: string; address: string; reachable: boolean };
  /** Slots that change hands (the master's). */
  slots: number;
  /** Bytes of replication stream the replica has not processed yet (master_repl_offset − its offset); null unknown. */
  replicationLagBytes: number | null;
  linkUp: boolean | null;
  steps: string[];
  risks: PlanRisk[];
}

/**
 * The failover of `replica`: it must be a reachable replica (400 `not_a_replica`). The default mode needs the master
 * reachable (the master pauses its clients until the replica caught up, so no acknowledged write is lost): without it,
 * 409 `master_unreachable`. FORCE (no handshake with the master) and TAKEOVER (not even a vote of the other masters)
 * may lose the writes the replica has not received: they need the admin role (403 `failover_mode_needs_admin`) and
 * `force: true` (409 `failover_mode_needs_force`).
 */
export async function planFailover(connection: RedisConnection, request: FailoverRequest, principal: Principal): Promise<FailoverPlan> {
  const nodes = await readClusterNodes(connection);
  const replica = findNode(nodes, request.replica, 'replica');
  if (replica.role !== 'replica' || !replica.masterId || !replica.reachable) {
    const why = replica.role !== 'replica' ? `${replica.addressKey} is a master: name one of its replicas` : `${replica.addressKey} does not answer`;
    throw new DomainError('validation', 'not_a_replica', `replica: ${why}`, [{ field: 'body.replica', message: why }]);
  }
  const master = nodes.find((n) => n.id === replica.masterId);
  const masterUp = master?.reachable === true && !master.failed;
  const lag = masterUp && master.replOffset !== null && replica.replOffset !== null ? Math.max(0, master.replOffset - replica.replOffset) : null;
  const risks: PlanRisk[] = [];
  if (!masterUp) risks.push({ code: 'master_unreachable', message: `the master ${master?.addressKey ?? replica.masterId} does not answer: only FORCE or TAKEOVER can promote the replica, and writes it did not receive are lost`, dataLoss: true });
  if (replica.linkUp === false) risks.push({ code: 'replica_link_down', message: `${replica.addressKey} has master_link_status:down: it may be far behind`, dataLoss: request.mode !== 'default' });
  if (request.mode !== 'default') risks.push({ code: `failover_${request.mode}`, message: `${request.mode.toUpperCase()} promotes without ${request.mode === 'force' ? 'the master\'s handshake' : 'the master or a vote of the other masters'}: writes the replica has not received (${lag ?? 'unknown'} bytes now) are lost`, dataLoss: true });
  if (lag !== null && lag > 0) risks.push({ code: 'replication_lag', message: `${replica.addressKey} is ${lag} bytes behind its master${request.mode === 'default' ? ' (the default mode waits for it to catch up)' : ''}`, dataLoss: request.mode !== 'default' });
  const plan: FailoverPlan = {
    operation: 'failover',
    mode: request.mode,
    replica: { id: replica.id, address: replica.addressKey },
    master: { id: replica.masterId, address: master?.addressKey ?? 'unknown', reachable: masterUp },
    slots: master?.slotCount ?? 0,
    replicationLagBytes: lag,
    linkUp: replica.linkUp,
    steps: [`CLUSTER FAILOVER${request.mode === 'default' ? '' : ` ${request.mode.toUpperCase()}`} on ${replica.addressKey}, wait until it reports master (at most ${Math.round(request.waitMs / 1000)} s)`, 'wait until every node lists it as master of the slots'],
    risks,
  };
  if (request.mode === 'default' && !masterUp && !request.dryRun) throw conflict('master_unreachable', `${risks[0]?.message ?? 'the master does not answer'}: send "mode": "force" (or "takeover") with "force": true as admin`);
  if (request.mode !== 'default' && !request.dryRun) {
    if (principal.role !== 'admin') throw new DomainError('forbidden', 'failover_mode_needs_admin', `CLUSTER FAILOVER ${request.mode.toUpperCase()} can lose acknowledged writes: it needs the admin role (an operator may run the default mode)`);
    if (!request.force) throw conflict('failover_mode_needs_force', `CLUSTER FAILOVER ${request.mode.toUpperCase()} can lose acknowledged writes: review the plan (dryRun) and send "force": true`);
  }
  return plan;
}

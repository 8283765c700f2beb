import type { ControlPlane } from '../../platform/controlPlane';
import { jsonResponse, type ApiResponse } from '../../platform/http/ApiRequest';
import type { RouteTable } from '../../platform/http/apiHandler';
import { parseInput } from '../../platform/http/parseInput';
import { readJsonBody } from '../../platform/http/readJsonBody';
import { named, openObject } from '../../platform/http/RouteDoc';
import { jobAcceptedDoc } from '../../platform/jobs/jobRoutes';
import { jobRuntime } from '../../platform/jobs/jobRuntime';
import { JobService, newJobId } from '../../platform/jobs/JobService';
import { withRedis } from '../../platform/redis/redisConnections';
import { redisUnavailableDoc, withRedisProblems } from '../../platform/redis/redisProblemResponse';
import type { ChangeContext } from '../../platform/registry/ClusterStreams';
import { clusterParamsSchema } from '../../platform/registry/resourceId';
import { DomainError } from '../../platform/store/DomainError';
import type { ClusterResource } from '../../platform/registry/clusterSpec';
import { nodeKey, type NodeAddress } from '../../platform/redis/RedisTarget';
import { addNodeSteps } from './addNodeSteps';
import { readClusterNodes } from './clusterNodes';
import { failoverSteps } from './failoverSteps';
import type { NodeJobParams } from './nodeJob';
import { addNodeRequestSchema, failoverRequestSchema, removeNodeRequestSchema } from './nodeRequest';
import { planAddNode } from './planAddNode';
import { planFailover } from './planFailover';
import { planRemoveNode } from './planRemoveNode';
import { planView } from './planReshard';
import { takeSlotLock } from './slotLock';
import { acceptRisks, refuseAzure, startSlotJob } from './slotRoutes';
import { vetNodeAddress } from './vetNodeAddress';

const common409 = 'Azure cache (azure_cluster_writes_blocked), another slot operation running (slot_operation_in_progress)';

/**
 * `POST /api/clusters/{id}/slots/add-node` (admin for an address that is not a node of the cluster yet, so in practice
 * admin: the plan connects to the address with the cluster's credentials): 200 with the plan for `dryRun`, else 202 +
 * a `nodes` job (MEET, wait until every node knows it, REPLICATE for a replica, verify). The address is vetted and
 * the role checked before any connection to it; an operator gets 403 `add_node_needs_admin` having sent it nothing.
 */
export const addNodeRoutes: RouteTable = {
  POST: {
    role: 'operator',
    doc: {
      operationId: 'addClusterNode',
      summary: "Add an empty node as a master or as a replica of a master (admin: planning connects to it with the cluster's credentials): a dry-run plan or a resumable join job",
      headers: ['Idempotency-Key'],
      body: { schema: named('AddNodeRequest', addNodeRequestSchema) },
      responses: {
        '200': { description: 'dry run: the plan', body: openObject('AddNodePlan', 'operation, node (id, address), role, replicaOf, meet, nodesToLearn, steps, risks') },
        '202': jobAcceptedDoc,
        '400': 'bad input, an address the policy refuses (node_address_refused), unknown master (unknown_node, not_a_master)',
        '403': 'an address that is not a node of the cluster without the admin role (add_node_needs_admin): nothing is sent to it',
        '404': 'the cluster is not registered',
        '409': `${common409}, already a member (node_already_member), no master answers (cluster_not_ready), views that disagree (cluster_views_disagree), open slots (slots_open), uncovered slots (slots_uncovered)`,
        '422': 'the node does not answer (node_unreachable), is not in cluster mode (node_not_cluster_enabled), holds keys (node_not_empty), belongs to another cluster (node_in_another_cluster)',
        '503': redisUnavailableDoc,
      },
    },
    async handle({ req, body, cp, principal, change }) {
      const { id } = parseInput(clusterParamsSchema, req.params, 'params');
      const request = readJsonBody(req.headers.get('content-type'), body, addNodeRequestSchema);
      const cluster = await cp.clusters.get(id);
      refuseAzure(cluster);
      await vetNodeAddress(request.address);
      return withRedisProblems(async () => {
        if (principal.role !== 'admin') await refuseNewAddress(cluster, request.address);
        const { plan, meetAddress, masterId } = await withRedis(cluster, (connection) => planAddNode(connection, request));
        if (request.dryRun) return jsonResponse(200, plan);
        const params: NodeJobParams = { operation: 'add-node', node: { id: plan.node.id, key: plan.node.address, ...request.address }, meet: { id: plan.meet.id, ...meetAddress }, ...(masterId ? { masterId } : {}), waitMs: request.waitMs };
        return startNodeJob(cp, id, params, plan, addNodeSteps.length, change);
      });
    },
  },
};

/**
 * `POST /api/clusters/{id}/slots/remove-node` (operator for an empty node; admin to drain a master; admin + force for a
 * node that does not answer or a plan's data-loss risks): 200 with the plan for `dryRun`, else 202 + a `slots` job
 * (operation `remove-node`) that drains its slots, re-points its replicas, forgets it everywhere and resets it. The
 * job fails with `node_owns_slots` instead of forgetting a node some view still gives a slot.
 */
export const removeNodeRoutes: RouteTable = {
  POST: {
    role: 'operator',
    doc: {
      operationId: 'removeClusterNode',
      summary: 'Remove a node: drain its slots, re-point its replicas, CLUSTER FORGET it on every node, reset it (plan or resumable job)',
      headers: ['Idempotency-Key'],
      body: { schema: named('RemoveNodeRequest', removeNodeRequestSchema) },
      responses: {
        '200': { description: 'dry run: the plan', body: openObject('RemoveNodePlan', 'operation, node, drain (a slot plan or null), repoint, forgetOn, reset, steps, risks') },
        '202': jobAcceptedDoc,
        '400': 'bad input, unknown node (unknown_node)',
        '403': 'draining a master needs admin (remove_node_needs_admin); force needs admin',
        '404': 'the cluster is not registered',
        '409': `${common409}, a registered endpoint (node_is_registered_endpoint), the last master (last_master), a failed node with slots (failed_node_owns_slots), a node down (cluster_not_ready), views that disagree (cluster_views_disagree), open slots (slots_open), uncovered slots (slots_uncovered), a data-loss risk without force (plan_has_data_loss_risk)`,
        '503': redisUnavailableDoc,
      },
    },
    async handle({ req, body, cp, principal, change }) {
      const { id } = parseInput(clusterParamsSchema, req.params, 'params');
      const request = readJsonBody(req.headers.get('content-type'), body, removeNodeRequestSchema);
      const cluster = await cp.clusters.get(id);
      refuseAzure(cluster);
      return withRedisProblems(async () => {
        const { plan, slotPlan, forget } = await withRedis(cluster, (connection) => planRemoveNode(connection, request, principal));
        if (request.dryRun) return jsonResponse(200, plan);
        acceptRisks(plan, request.force, principal);
        return startSlotJob(cp, id, slotPlan, change, { ...planView(slotPlan), removal: plan }, forget);
      });
    },
  },
};

/**
 * `POST /api/clusters/{id}/slots/failover` (operator for the default mode; FORCE / TAKEOVER need admin + `force`): 200
 * with the plan (replication lag, master reachable, risks) for `dryRun`, else 202 + a `nodes` job.
 */
export const failoverRoutes: RouteTable = {
  POST: {
    role: 'operator',
    doc: {
      operationId: 'failoverClusterNode',
      summary: 'CLUSTER FAILOVER on a replica (default; FORCE/TAKEOVER as admin with force): a dry-run plan or a job that waits until it is master',
      headers: ['Idempotency-Key'],
      body: { schema: named('FailoverRequest', failoverRequestSchema) },
      responses: {
        '200': { description: 'dry run: the plan', body: openObject('FailoverPlan', 'operation, mode, replica, master (reachable), slots, replicationLagBytes, linkUp, steps, risks') },
        '202': jobAcceptedDoc,
        '400': 'bad input, unknown node (unknown_node), not a replica (not_a_replica)',
        '403': 'FORCE or TAKEOVER without the admin role (failover_mode_needs_admin)',
        '404': 'the cluster is not registered',
        '409': `${common409}, FORCE/TAKEOVER without force (failover_mode_needs_force), default mode with the master down (master_unreachable)`,
        '503': redisUnavailableDoc,
      },
    },
    async handle({ req, body, cp, principal, change }) {
      const { id } = parseInput(clusterParamsSchema, req.params, 'params');
      const request = readJsonBody(req.headers.get('content-type'), body, failoverRequestSchema);
      const cluster = await cp.clusters.get(id);
      refuseAzure(cluster);
      return withRedisProblems(async () => {
        const plan = await withRedis(cluster, (connection) => planFailover(connection, request, principal));
        if (request.dryRun) return jsonResponse(200, plan);
        const [host, port] = splitKey(plan.replica.address);
        const params: NodeJobParams = { operation: 'failover', replica: { id: plan.replica.id, key: plan.replica.address, host, port }, masterId: plan.master.id, mode: request.mode, waitMs: request.waitMs };
        return startNodeJob(cp, id, params, plan, failoverSteps.length, change);
      });
    },
  },
};

/**
 * Planning add-node connects to the address with the cluster's credentials (AUTH): pointing it anywhere would send
 * them there, which only an admin may (an admin can point a registration and its secret anywhere already). An
 * operator may only name a node the cluster lists (and so gets 409 `node_already_member`); asking the cluster's own
 * nodes is safe, the address itself is never contacted.
 */
async function refuseNewAddress(cluster: ClusterResource, address: NodeAddress): Promise<void> {
  const key = nodeKey(address);
  const nodes = await withRedis(cluster, readClusterNodes);
  if (nodes.some((n) => n.addressKey === key)) return;
  throw new DomainError('forbidden', 'add_node_needs_admin', `address: ${key} is not a node of cluster '${cluster.id}': adding a node needs the admin role, because planning it connects to the node with the cluster's credentials; nothing was sent to ${key}`, [{ field: 'body.address', message: 'adding a node needs the admin role' }]);
}

/** Takes the cluster's slot lock (node operations share it with slot moves; add-node's node too) and creates the `nodes` job. */
async function startNodeJob(cp: ControlPlane, id: string, params: NodeJobParams, plan: object, steps: number, change: ChangeContext): Promise<ApiResponse> {
  const rt = await jobRuntime(cp);
  const jobId = newJobId('nodes');
  const lock = await takeSlotLock(cp, rt.store, id, jobId, params.operation === 'add-node' ? [params.node.id] : []);
  const { job } = await lock.createJob(() => new JobService(rt).create({ id: jobId, kind: 'nodes', clusterId: id, params: { ...params }, estimate: { counter: 'steps', total: steps, exact: true, basis: 'steps of the saga' } }, change));
  return jsonResponse(202, { jobId: job.id, kind: job.kind, status: job.status, href: `/api/jobs/${job.id}`, plan }, { location: `/api/jobs/${job.id}` });
}

function splitKey(key: string): [string, number] {
  const m = /^\[?(.*?)\]?:(\d+)$/.exec(key);
  if (!m) throw new DomainError('conflict', 'cluster_not_ready', `node address '${key}' cannot be read`);
  return [m[1] ?? '', Number(m[2])];
}

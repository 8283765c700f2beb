import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addNodeRoutes } from '../../shared/admin/slots/nodeRoutes';
import type { ControlPlane } from '../../shared/platform/controlPlane';
import { redisConnections } from '../../shared/platform/redis/redisConnections';
import type { RedisProcess } from '../../tools/local/index';
import { callRoutes, testControlPlane } from '../controlplane/api';
import { useOwnCluster } from '../helpers/redis';
import { azuriteConnectionString } from '../helpers/storage';
import { register, spawnLoneNode } from './slotTestbed';

// add-node plans by connecting to the address with the cluster's credentials (AUTH first when it has a password), so
// an operator who could name any address could have the secret sent there. Only an admin may name an address that is
// not a node of the cluster; an operator is refused before anything is sent to it.
const own = useOwnCluster({ masters: 3, replicasPerMaster: 0 });
let cp: ControlPlane;
let fake: Server;
let fakePort = 0;
const received: Buffer[] = [];
const sockets: Socket[] = [];
const spawned: RedisProcess[] = [];

beforeAll(async () => {
  process.env['AzureWebJobsStorage'] = azuriteConnectionString();
  cp = await testControlPlane();
  await register(cp, 'pw', [own.cluster.seeds[0] as { host: string; port: number }]);
  // Records every byte anyone sends it, answers nothing.
  fake = createServer((socket) => {
    sockets.push(socket);
    socket.on('data', (chunk) => received.push(chunk));
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => fake.listen(0, '127.0.0.1', resolve));
  fakePort = (fake.address() as { port: number }).port;
});
afterAll(async () => {
  sockets.forEach((s) => s.destroy());
  await new Promise((r) => fake.close(r));
  await redisConnections.closeAll();
  await Promise.all(spawned.map((n) => n.stop()));
});

const addNode = (body: Record<string, unknown>, as: 'admin' | 'operator') => callRoutes(cp, addNodeRoutes, { method: 'POST', path: '/clusters/pw/slots/add-node', params: { id: 'pw' }, body: { waitMs: 1000, ...body }, as });

describe('add-node at an address the cluster does not list needs admin', () => {
  it('an operator gets 403 add_node_needs_admin (dry run and real) and the address receives nothing', async () => {
    for (const dryRun of [true, false]) {
      const res = await addNode({ address: `127.0.0.1:${fakePort}`, dryRun }, 'operator');
      expect(res.status, `dryRun ${dryRun}`).toBe(403);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.json.code).toBe('add_node_needs_admin');
      expect(JSON.stringify(res.json.errors)).toContain('address');
    }
    await new Promise((r) => setTimeout(r, 300));
    expect(sockets).toHaveLength(0);
    expect(Buffer.concat(received).length).toBe(0);
  });

  it('an admin still adds a real node (the plan connects to it); the fake one is contacted and refused as unreachable', async () => {
    const lone = await spawnLoneNode();
    spawned.push(lone.node);
    const plan = await addNode({ address: `${lone.node.host}:${lone.node.port}`, dryRun: true }, 'admin');
    expect(plan).toMatchObject({ status: 200, json: { operation: 'add-node', node: { id: lone.id } } });
    const asOperator = await addNode({ address: `${lone.node.host}:${lone.node.port}`, dryRun: true }, 'operator');
    expect(asOperator.json.code).toBe('add_node_needs_admin');
    // The fake server is a Redis to nobody: the admin's dry run reaches it (so the operator test above can fail).
    const unreachable = await addNode({ address: `127.0.0.1:${fakePort}`, dryRun: true }, 'admin');
    expect(unreachable.json.code).toBe('node_unreachable');
    expect(sockets.length).toBeGreaterThan(0);
  }, 60_000);
});

import type { AccessToken, TokenCredential } from '@azure/core-auth';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { RedisConnectionManager } from '../../shared/platform/redis/RedisConnectionManager';
import { redisCommand } from '../../tools/local/index';
import { useOwnCluster, useOwnRedis } from '../helpers/redis';
import { testTarget } from './targets';

/**
 * A `TokenCredential` whose tokens the test controls (it stands in for the managed identity): JWT-shaped, with
 * an `oid` claim the manager uses as ACL user name, and a lifetime short enough to see a refresh.
 */
class ControlledTokenCredential implements TokenCredential {
  calls = 0;
  constructor(
    public token: string,
    public lifetimeMs: number,
  ) {}
  async getToken(): Promise<AccessToken> {
    this.calls++;
    return { token: this.token, expiresOnTimestamp: Date.now() + this.lifetimeMs };
  }
}

const OID = '5b9c1a52-7a1e-4a55-9a8e-3f0d2c6b1e77';
const jwt = (label: string): string =>
  `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(JSON.stringify({ oid: OID, label })).toString('base64url')}.sig`;

async function authCalls(host: string, port: number): Promise<number> {
  const stats = await redisCommand(host, port, ['INFO', 'commandstats']);
  return Number(/cmdstat_auth:calls=(\d+)/.exec(String(stats))?.[1] ?? 0);
}

async function waitUntil(what: string, check: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const managers: RedisConnectionManager[] = [];
afterAll(async () => {
  await Promise.all(managers.map((m) => m.closeAll()));
});

describe('Entra ID token auth: re-AUTH before expiry (standalone)', () => {
  const own = useOwnRedis();

  it('re-authenticates live connections with the new token and keeps working once the old one is revoked', async () => {
    const { host, port } = own.server;
    const tokenA = jwt('a');
    const tokenB = jwt('b');
    await redisCommand(host, port, ['ACL', 'SETUSER', OID, 'on', `>${tokenA}`, '~*', '&*', '+@all']);
    const credential = new ControlledTokenCredential(tokenA, 1600);
    const m = new RedisConnectionManager({ credentialFor: () => credential });
    managers.push(m);
    const target = testTarget('standalone', [{ host, port }], { secretRef: { kind: 'entra' } });

    const client = await m.run(target, (c) => c.client());
    expect(await client.call('ACL', 'WHOAMI')).toBe(OID);
    await client.set('entra:k', 'before');
    const before = await authCalls(host, port);

    // The identity's next token becomes valid on the server, then the credential hands it out.
    await redisCommand(host, port, ['ACL', 'SETUSER', OID, `>${tokenB}`]);
    credential.token = tokenB;
    credential.lifetimeMs = 60_000;
    await waitUntil('re-AUTH with the new token', async () => (await authCalls(host, port)) > before);
    expect(credential.calls).toBe(2);

    // The old token is revoked; the live connection was re-authenticated, so it keeps working...
    await redisCommand(host, port, ['ACL', 'SETUSER', OID, `<${tokenA}`]);
    expect(await m.run(target, async (c) => (await c.client()).get('entra:k'))).toBe('before');
    // ...and so does a reconnect after the server drops it.
    await redisCommand(host, port, ['CLIENT', 'KILL', 'USER', OID]);
    await waitUntil('connection dropped', async () => client.status === 'end');
    expect(await m.run(target, async (c) => (await c.client()).get('entra:k'))).toBe('before');
    // The old token really is dead.
    const stale = new Redis({ host, port, username: OID, password: tokenA, lazyConnect: true, retryStrategy: () => null });
    stale.on('error', () => undefined);
    await expect(stale.connect().then(() => stale.ping())).rejects.toThrow();
    stale.disconnect();
  });
});

describe('Entra ID token auth: re-AUTH on every cluster node', () => {
  const own = useOwnCluster({ masters: 3, replicasPerMaster: 0 });

  it('sends AUTH with the fresh token on each node connection and reconnects nodes with it', async () => {
    const nodes = own.cluster.nodes;
    const tokenA = jwt('ca');
    const tokenB = jwt('cb');
    await Promise.all(nodes.map((n) => redisCommand(n.host, n.port, ['ACL', 'SETUSER', OID, 'on', `>${tokenA}`, '~*', '&*', '+@all'])));
    const credential = new ControlledTokenCredential(tokenA, 1600);
    const m = new RedisConnectionManager({ credentialFor: () => credential });
    managers.push(m);
    const target = testTarget('cluster', own.cluster.seeds, { secretRef: { kind: 'entra' } });
    const keys = ['a', 'b', 'c', 'd', 'e', 'f'].map((k) => `entra:${k}`);

    const cluster = await m.run(target, (c) => c.client());
    await Promise.all(keys.map((k) => cluster.set(k, k)));
    const perNode = async (): Promise<number[]> => Promise.all(nodes.map((n) => authCalls(n.host, n.port)));
    const before = await perNode();

    await Promise.all(nodes.map((n) => redisCommand(n.host, n.port, ['ACL', 'SETUSER', OID, `>${tokenB}`])));
    credential.token = tokenB;
    credential.lifetimeMs = 60_000;
    await waitUntil('re-AUTH on every node', async () => (await perNode()).every((calls, i) => calls > (before[i] ?? 0)));

    await Promise.all(nodes.map((n) => redisCommand(n.host, n.port, ['ACL', 'SETUSER', OID, `<${tokenA}`])));
    expect(await Promise.all(keys.map((k) => cluster.get(k)))).toEqual(keys);
    // Nodes drop every connection of the user: the same Cluster client reconnects its nodes with the new token.
    await Promise.all(nodes.map((n) => redisCommand(n.host, n.port, ['CLIENT', 'KILL', 'USER', OID])));
    let values: (string | null)[] = [];
    await waitUntil('cluster answering again', async () => {
      values = await Promise.all(keys.map((k) => cluster.get(k))).catch(() => []);
      return values.length === keys.length;
    });
    expect(values).toEqual(keys);
    expect(await m.run(target, (c) => c.client())).toBe(cluster);
  });
});

import type { RedisProcess } from './redisServer';
import { parseInfo, redisCommand, redisText, type RespValue } from './redisCommand';
import { waitFor } from './waitFor';

const SLOTS = 16384;

/**
 * Forms a cluster from fresh cluster-enabled nodes, the way `redis-cli --cluster create` does but without its
 * 1-second polling: distinct config epochs, contiguous slot ranges on the masters, a full MEET mesh, then
 * CLUSTER REPLICATE (replica i follows master i mod masters). Resolves once every node reports
 * `cluster_state:ok` and every node's CLUSTER SLOTS lists each master's replicas — what clients see.
 */
export async function createCluster(masters: RedisProcess[], replicas: RedisProcess[], timeoutMs = 30_000): Promise<void> {
  const nodes = [...masters, ...replicas];
  const text = (node: RedisProcess, ...args: string[]): Promise<string> => redisText(node.host, node.port, args);
  const ids = await Promise.all(nodes.map((n) => text(n, 'CLUSTER', 'MYID')));
  await Promise.all(nodes.map((n, i) => text(n, 'CLUSTER', 'SET-CONFIG-EPOCH', String(i + 1))));
  const ranges = masters.map((_, i) => [Math.floor((i * SLOTS) / masters.length), Math.floor(((i + 1) * SLOTS) / masters.length) - 1] as const);
  await Promise.all(masters.map((m, i) => text(m, 'CLUSTER', 'ADDSLOTSRANGE', ...(ranges[i] ?? []).map(String))));
  await Promise.all(nodes.flatMap((a, i) => nodes.slice(i + 1).map((b) => text(a, 'CLUSTER', 'MEET', b.host, String(b.port)))));

  let last = '';
  const everyoneKnowsEveryone = async (): Promise<true | undefined> => {
    const views = await Promise.all(nodes.map((n) => text(n, 'CLUSTER', 'NODES')));
    last = views.find((v) => /handshake|noaddr/.test(v)) ?? '';
    return views.every((v) => ids.every((id) => v.includes(id)) && !/handshake|noaddr/.test(v)) ? true : undefined;
  };
  await waitFor('cluster handshake', everyoneKnowsEveryone, { timeoutMs, describe: () => last });
  await Promise.all(replicas.map((r, i) => text(r, 'CLUSTER', 'REPLICATE', ids[i % masters.length] ?? '')));

  const linked = async (): Promise<true | undefined> => {
    const links = await Promise.all(replicas.map((r) => text(r, 'INFO', 'replication')));
    last = links.find((l) => parseInfo(l).get('master_link_status') !== 'up') ?? '';
    return last === '' ? true : undefined;
  };
  await waitFor('replicas linked to their masters', linked, { timeoutMs, describe: () => last });
  const stateOk = async (): Promise<true | undefined> => {
    for (const node of nodes) {
      const info = parseInfo(await text(node, 'CLUSTER', 'INFO'));
      last = `${node.port}: cluster_state:${info.get('cluster_state')} slots_ok:${info.get('cluster_slots_ok')} known:${info.get('cluster_known_nodes')}`;
      const ok = info.get('cluster_state') === 'ok' && info.get('cluster_slots_ok') === String(SLOTS) && info.get('cluster_known_nodes') === String(nodes.length);
      if (!ok) return undefined;
    }
    return true;
  };
  await waitFor('cluster_state:ok on every node', stateOk, { timeoutMs, describe: () => last });

  // CLUSTER SLOTS hides replicas whose replication offset is still 0; one write per master moves it.
  await Promise.all(masters.map((m, i) => touchSlotRange(m, ranges[i]?.[0] ?? 0, ranges[i]?.[1] ?? 0)));
  const replicasPerMaster = replicas.length / masters.length;
  const replicasVisible = async (): Promise<true | undefined> => {
    for (const node of nodes) {
      const slots = (await redisCommand(node.host, node.port, ['CLUSTER', 'SLOTS'])) as RespValue[][];
      last = `${node.port}: replicas per range ${slots.map((s) => s.length - 3).join(',')}`;
      if (slots.some((range) => range.length - 3 < replicasPerMaster)) return undefined;
    }
    return true;
  };
  await waitFor('replicas visible in every node\'s CLUSTER SLOTS', replicasVisible, { timeoutMs, describe: () => last });
}

/** Writes and unlinks one key in [first, last] on `master`, so the replication stream advances. */
async function touchSlotRange(master: RedisProcess, first: number, last: number): Promise<void> {
  for (let n = 0; n < 1000; n++) {
    const key = `rcm:bootstrap:${n}`;
    const slot = Number(await redisCommand(master.host, master.port, ['CLUSTER', 'KEYSLOT', key]));
    if (slot < first || slot > last) continue;
    await redisCommand(master.host, master.port, ['SET', key, '1']);
    await redisCommand(master.host, master.port, ['UNLINK', key]);
    return;
  }
  throw new Error(`no bootstrap key found for slots ${first}-${last}`);
}

import type { Cluster, Redis } from 'ioredis';
import type { Counts } from '../../platform/jobs/JobRecord';
import { groupKeys } from '../../platform/keyspace/groupKeys';
import { pipelined } from '../../platform/keyspace/pipelined';
import type { KeyspaceOperation } from '../../platform/keyspace/scanKeyspace';

const add = (counts: Counts, name: string, n: number) => (counts[name] = (counts[name] ?? 0) + n);

/**
 * UNLINK (memory freed in the background, never DEL on big values), pipelined, counted by the replies: a key that
 * expired or was deleted between SCAN and UNLINK counts 0, and SCAN's occasional duplicates count once.
 */
export const unlinkKeys: KeyspaceOperation = {
  async apply(node: Redis, keys, counts, pace) {
    const perCommand = pace.guard.enabled ? 20 : 500;
    const replies = await pipelined(node, groupKeys(keys, pace.mode, perCommand).map((group) => ['unlink', ...group] as ['unlink', ...Buffer[]]), pace.guard);
    add(counts, 'deleted', replies.reduce<number>((sum, r) => sum + Number(r), 0));
  },
  /**
   * A write-ahead batch of a holder that died: unlinked again (whatever is left), and counted as deleted in full —
   * every key matched and existed when it was scanned, and none exists now.
   */
  async recover(client: Redis | Cluster, keys, counts) {
    const groups = groupKeys(keys, 'cluster', 100);
    await Promise.all(groups.map((group) => client.unlink(...group)));
    add(counts, 'deleted', keys.length);
  },
};

import type { KeyspaceOperation } from '../../platform/keyspace/scanKeyspace';
import { unlinkKeys } from './unlinkKeys';
import { unlinkUnlessMessaging } from './unlinkUnlessMessaging';

/**
 * Without an admin's `force`, stream and queue keys (lists without a TTL) are left in place and counted as
 * `skippedMessaging` (checked in the same script call that UNLINKs the rest): their messages exist nowhere else.
 */
export function invalidationOperation(force: boolean): KeyspaceOperation {
  return force ? unlinkKeys : unlinkUnlessMessaging;
}

/** Timeouts every pooled client gets. All in milliseconds. */
export interface RedisClientSettings {
  /** TCP + TLS + AUTH handshake of one connection. @default 3000 */
  connectTimeoutMs: number;
  /** Reply to any one command. @default 2000 */
  commandTimeoutMs: number;
  /** `CLUSTER SLOTS` refresh of a Cluster client. @default 2000 */
  slotsRefreshTimeoutMs: number;
  /** Retries of a command whose connection dropped (standalone). @default 1 */
  maxRetriesPerRequest: number;
}

export const defaultRedisClientSettings: RedisClientSettings = {
  connectTimeoutMs: 3000,
  commandTimeoutMs: 2000,
  slotsRefreshTimeoutMs: 2000,
  maxRetriesPerRequest: 1,
};

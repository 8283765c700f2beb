import type { AccessToken, TokenCredential } from '@azure/core-auth';
import type { Cluster, Redis } from 'ioredis';

/** Scope of Microsoft Entra ID tokens for Azure Cache for Redis and Azure Managed Redis. */
export const REDIS_ENTRA_SCOPE = 'https://redis.azure.com/.default';

export interface EntraTokenAuthOptions {
  /** Token scope. @default 'https://redis.azure.com/.default' */
  scope?: string;
  /** ACL user name. @default the token's `oid` claim (the identity's object id), as Azure caches expect */
  username?: string;
  /** Share of a token's remaining lifetime after which it is replaced. @default 0.75 */
  refreshRatio?: number;
  /** Delay before retrying a failed token refresh. @default 5000 */
  retryDelayMs?: number;
  /** Told about refresh and re-AUTH failures (never given the token). @default ignore */
  onError?: (what: string, error: unknown) => void;
}

/**
 * Microsoft Entra ID token auth for ioredis, which has none built in: the token is the password, and before it
 * expires a fresh one is fetched and `AUTH <user> <token>` is sent on every live connection attached here
 * (each cluster node included, nodes that appear later too), while each connection's options are updated so
 * a reconnect authenticates with the fresh token.
 */
export class EntraTokenAuth {
  private token: AccessToken | undefined;
  private user: string | undefined;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private readonly connections = new Set<Redis>();
  private readonly clusters = new Set<Cluster>();
  private readonly tokenAtConnect = new WeakMap<Redis, string>();

  constructor(
    private readonly credential: TokenCredential,
    private readonly options: EntraTokenAuthOptions = {},
  ) {}

  /** Fetches the first token and starts the refresh timer. */
  async start(): Promise<void> {
    await this.refresh();
  }

  get username(): string {
    if (this.user === undefined) throw new Error('EntraTokenAuth.start() has not completed');
    return this.user;
  }

  get password(): string {
    if (this.token === undefined) throw new Error('EntraTokenAuth.start() has not completed');
    return this.token.token;
  }

  /** Expiry of the current token (ms since epoch). */
  get expiresOnTimestamp(): number | undefined {
    return this.token?.expiresOnTimestamp;
  }

  /** Keeps `redis` authenticated with the current token until it ends. */
  attach(redis: Redis): void {
    if (this.connections.has(redis)) return;
    this.connections.add(redis);
    this.setOptions(redis.options);
    redis.on('connecting', () => this.tokenAtConnect.set(redis, this.password));
    // A connection that started with the previous token re-authenticates once it is ready.
    redis.on('ready', () => {
      if (this.tokenAtConnect.get(redis) !== this.password) void this.reauth(redis);
    });
    redis.once('end', () => this.connections.delete(redis));
  }

  /** Keeps every node connection of `cluster` authenticated, including nodes discovered later. */
  attachCluster(cluster: Cluster): void {
    if (this.clusters.has(cluster)) return;
    this.clusters.add(cluster);
    if (cluster.options.redisOptions) this.setOptions(cluster.options.redisOptions);
    for (const node of cluster.nodes('all')) this.attach(node);
    cluster.on('+node', (node: Redis) => this.attach(node));
    cluster.once('end', () => this.clusters.delete(cluster));
  }

  /** Stops the refresh timer; attached connections keep their last token. */
  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }

  private async refresh(): Promise<void> {
    const token = await this.credential.getToken(this.options.scope ?? REDIS_ENTRA_SCOPE);
    if (!token) throw new Error('the credential returned no token');
    const user = this.options.username ?? objectIdOf(token.token);
    if (user === undefined) throw new Error("the token has no 'oid' claim and no username is registered");
    this.token = token;
    this.user = user;
    for (const cluster of this.clusters) if (cluster.options.redisOptions) this.setOptions(cluster.options.redisOptions);
    await Promise.all([...this.connections].map((redis) => this.reauth(redis)));
    this.schedule(Math.max(1000, (token.expiresOnTimestamp - Date.now()) * (this.options.refreshRatio ?? 0.75)));
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.refresh().catch((error: unknown) => {
        this.options.onError?.('token refresh failed', error);
        this.schedule(this.options.retryDelayMs ?? 5000);
      });
    }, delayMs);
    this.timer.unref();
  }

  private async reauth(redis: Redis): Promise<void> {
    this.setOptions(redis.options);
    if (redis.status !== 'ready') return; // it authenticates with the updated options when it (re)connects
    try {
      await redis.call('AUTH', this.username, this.password);
      this.tokenAtConnect.set(redis, this.password);
    } catch (error) {
      this.options.onError?.(`re-AUTH on ${redis.options.host ?? '?'}:${redis.options.port ?? '?'} failed`, error);
    }
  }

  private setOptions(options: { username?: string | undefined; password?: string | undefined }): void {
    options.username = this.username;
    options.password = this.password;
  }
}

/** The `oid` claim of a JWT access token, undefined when it is not a JWT or has none. */
export function objectIdOf(jwt: string): string | undefined {
  const payload = jwt.split('.')[1];
  if (payload === undefined) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { oid?: unknown };
    return typeof claims.oid === 'string' ? claims.oid : undefined;
  } catch {
    return undefined;
  }
}

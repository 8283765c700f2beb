/** What globalSetup hands to every test file through `inject()`. Plain data only (it is serialised). */
export interface ProvidedRedisStandalone {
  host: string;
  port: number;
  url: string;
}

export interface ProvidedRedisNode {
  host: string;
  port: number;
  role: 'master' | 'replica';
  pid: number;
}

export interface ProvidedRedisCluster {
  seeds: { host: string; port: number }[];
  nodes: ProvidedRedisNode[];
}

export interface ProvidedAzurite {
  connectionString: string;
  blobEndpoint: string;
  queueEndpoint: string;
  tableEndpoint: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    redisStandalone: ProvidedRedisStandalone;
    redisCluster: ProvidedRedisCluster;
    azurite: ProvidedAzurite;
  }
}

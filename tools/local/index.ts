/**
 * Local processes for tests and `npm start`: private redis-servers, a Redis Cluster and Azurite on free ports,
 * all protected against orphaning (see reaper.ts and docs/testing.md).
 */
export { freePort, freeClusterPort, isPortFree } from './freePort';
export { spawnRedis, redisServerPath, type RedisProcess, type SpawnRedisOptions } from './redisServer';
export { spawnRedisCluster, type RedisClusterProcesses, type SpawnRedisClusterOptions } from './redisCluster';
export { spawnAzurite, AZURITE_ACCOUNT, AZURITE_KEY, type AzuriteProcess, type SpawnAzuriteOptions } from './azurite';
export { redisCommand, redisText, parseInfo, type RespValue, type RedisCommandOptions } from './redisCommand';
export { supervise, type Supervisable, type Supervised, type SuperviseOptions } from './supervise';

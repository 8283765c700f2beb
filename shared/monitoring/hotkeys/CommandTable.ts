import type { Redis } from 'ioredis';
import type { HitKind } from './SpaceSaving';
import type { MonitoredCommand } from './parseMonitorLine';

interface KeySpec {
  kind: HitKind;
  /** 1-based positions in argv as COMMAND INFO gives them; first 0 = no keys. */
  first: number;
  last: number;
  step: number;
}

/** Asked for before the first window, so the commonest commands are attributed exactly from the start. */
const common = [
  'get', 'set', 'setex', 'psetex', 'setnx', 'getex', 'getdel', 'getset', 'mget', 'mset', 'del', 'unlink', 'exists', 'expire', 'pexpire', 'ttl', 'pttl', 'type',
  'incr', 'incrby', 'decr', 'decrby', 'append', 'strlen', 'hget', 'hset', 'hmget', 'hmset', 'hgetall', 'hincrby', 'hdel', 'hexists', 'hlen', 'sadd', 'srem',
  'smembers', 'sismember', 'scard', 'zadd', 'zrem', 'zrange', 'zrangebyscore', 'zrevrange', 'zscore', 'zincrby', 'zcard', 'lpush', 'rpush', 'lpop', 'rpop',
  'lrange', 'llen', 'xadd', 'xlen', 'pfadd', 'pfcount', 'touch',
];

/**
 * Where the keys of a command are and whether it reads or writes, from the server's own `COMMAND INFO` (flags
 * `write` / `readonly`, first key, last key, step), learnt per node. A command not learnt yet counts its first
 * argument as its key with kind `other` and is asked for after the window. Commands with movable keys (EVAL,
 * XREAD...) report first key 0 here; their keys are not attributed (a script's own calls appear as `lua` lines).
 */
export class CommandTable {
  private readonly specs = new Map<string, KeySpec>();
  private readonly unknown = new Set<string>();

  async learnCommon(redis: Redis): Promise<void> {
    await this.learn(redis, common);
  }

  /** Learns the commands seen but not known yet (at most 100 per call). */
  async learnSeen(redis: Redis): Promise<void> {
    const names = [...this.unknown].slice(0, 100);
    this.unknown.clear();
    if (names.length > 0) await this.learn(redis, names);
  }

  /** The keys `command` touches and the kind of access (at most 64 keys). */
  keysOf(command: MonitoredCommand): { keys: string[]; kind: HitKind } {
    const spec = this.specs.get(command.name);
    if (!spec) {
      if (this.unknown.size < 1000) this.unknown.add(command.name);
      return { keys: command.args.length > 0 ? [command.args[0] as string] : [], kind: 'other' };
    }
    if (spec.first <= 0) return { keys: [], kind: spec.kind };
    const argc = command.args.length + 1;
    const last = spec.last < 0 ? argc + spec.last : Math.min(spec.last, argc - 1);
    const keys: string[] = [];
    for (let p = spec.first; p <= last && keys.length < 64; p += Math.max(1, spec.step)) {
      const key = command.args[p - 1];
      if (key !== undefined) keys.push(key);
    }
    return { keys, kind: spec.kind };
  }

  private async learn(redis: Redis, names: readonly string[]): Promise<void> {
    const reply = (await redis.call('COMMAND', 'INFO', ...names)) as unknown[];
    reply.forEach((entry, i) => {
      const name = names[i] as string;
      if (!Array.isArray(entry)) {
        this.specs.set(name, { kind: 'other', first: 0, last: 0, step: 0 }); // not a command of this server
        return;
      }
      const flags = (entry[2] as unknown[]).map((f) => String(f));
      const kind: HitKind = flags.includes('write') ? 'write' : flags.includes('readonly') ? 'read' : 'other';
      this.specs.set(name, { kind, first: Number(entry[3]), last: Number(entry[4]), step: Number(entry[5]) });
    });
  }
}

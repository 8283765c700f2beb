import { classifyRedisError } from '../redis/classifyRedisError';
import { nodeKey, type NodeAddress } from '../redis/RedisTarget';

interface Remembered {
  failure: string;
  info?: Record<string, string>;
  until: number;
}

/**
 * Nodes of one cluster that failed to answer moments ago. A frozen node (SIGSTOP, a stuck fork, a black-holed
 * route) makes every probe wait its whole timeout; remembering it for `ttlMs` lets the next calls answer at
 * once, while one background re-check per node notices when it is back.
 */
export class UnreachableNodes {
  private readonly entries = new Map<string, Remembered>();
  private readonly rechecking = new Set<string>();

  /** @param ttlMs how long a failure is believed without asking again. @default 15000 */
  constructor(private readonly ttlMs = 15_000) {}

  /** The failure remembered for a node, if it is recent enough. */
  recall(address: NodeAddress): Remembered | undefined {
    const entry = this.entries.get(nodeKey(address));
    if (entry && entry.until > Date.now()) return entry;
    return undefined;
  }

  remember(address: NodeAddress, failure: string, info?: Record<string, string>): void {
    this.entries.set(nodeKey(address), { failure, ...(info ? { info } : {}), until: Date.now() + this.ttlMs });
  }

  forget(address: NodeAddress): void {
    this.entries.delete(nodeKey(address));
  }

  /**
   * Waits for `probe` at most `budgetMs`. A probe that overruns is reported as a timeout now; it keeps running and
   * its outcome (answered → forgotten, failed → remembered) is what the next call sees.
   */
  watch<T>(address: NodeAddress, probe: Promise<T>, budgetMs: number): Promise<T> {
    const settled = probe.then(
      (value) => {
        this.forget(address);
        return value;
      },
      (error: unknown) => {
        this.remember(address, classifyRedisError(error));
        throw error;
      },
    );
    let timer: NodeJS.Timeout | undefined;
    const overrun = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        this.remember(address, 'timeout');
        reject(new Error(`${nodeKey(address)} timed out after ${budgetMs} ms (probe budget)`));
      }, budgetMs);
    });
    settled.catch(() => undefined);
    return Promise.race([settled, overrun]).finally(() => clearTimeout(timer));
  }

  /** One background re-probe per node at a time; its outcome updates the memory. */
  recheck(address: NodeAddress, probe: () => Promise<unknown>): void {
    const key = nodeKey(address);
    if (this.rechecking.has(key)) return;
    this.rechecking.add(key);
    probe()
      .then(
        () => this.forget(address),
        (error: unknown) => {
          const previous = this.entries.get(key);
          this.remember(address, previous?.failure === 'loading' ? 'loading' : classifyRedisError(error), previous?.info);
        },
      )
      .finally(() => this.rechecking.delete(key));
  }
}

const byCluster = new Map<string, UnreachableNodes>();

/** The process-wide memory of one cluster's unreachable nodes. */
export function unreachableNodes(clusterId: string): UnreachableNodes {
  let memory = byCluster.get(clusterId);
  if (!memory) byCluster.set(clusterId, (memory = new UnreachableNodes()));
  return memory;
}

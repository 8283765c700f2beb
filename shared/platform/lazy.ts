/**
 * A function whose implementation is loaded on its first call. Function files register with it so that
 * importing the app costs little more than `@azure/functions` itself: each handler's modules (zod schemas,
 * Azure SDKs, ioredis) load when that function first runs, not at cold start of every instance.
 * A failed load is not cached: the next call tries again.
 */
export function lazy<A extends unknown[], R>(load: () => Promise<(...args: A) => Promise<R> | R>): (...args: A) => Promise<R> {
  let loaded: Promise<(...args: A) => Promise<R> | R> | undefined;
  return async (...args: A): Promise<R> => {
    loaded ??= load().catch((err: unknown) => {
      loaded = undefined;
      throw err;
    });
    return await (await loaded)(...args);
  };
}

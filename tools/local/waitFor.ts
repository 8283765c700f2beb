import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Polls `probe` until it returns a value other than `undefined`, or throws after `timeoutMs`
 * with `describe()` (e.g. the last observed state) in the message.
 */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  options: { timeoutMs: number; intervalMs?: number; describe?: () => string },
): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() >= deadline) {
      const detail = options.describe?.() ?? (lastError instanceof Error ? lastError.message : '');
      throw new Error(`timed out after ${options.timeoutMs} ms waiting for ${what}${detail ? `: ${detail}` : ''}`);
    }
    await sleep(options.intervalMs ?? 50);
  }
}

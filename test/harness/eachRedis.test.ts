import { expect, it } from 'vitest';
import { describeEachRedis, keyPrefix, scanAll } from '../helpers/redis';

describeEachRedis('keyPrefix isolation', (ctx) => {
  it('gives each test its own prefix', async () => {
    expect(ctx.prefix).toMatch(/^t:gives-each-test-its-own-prefix:[a-z0-9]+:$/);
    for (let i = 0; i < 20; i++) await ctx.client.set(`${ctx.prefix}k${i}`, String(i), 'EX', 60);
    const keys = await scanAll(ctx.client, `${ctx.prefix}*`);
    expect(keys).toHaveLength(20);
  });

  it('never sees the keys of another test', async () => {
    expect(await scanAll(ctx.client, `${ctx.prefix}*`)).toEqual([]);
    expect(keyPrefix('same name')).not.toBe(keyPrefix('same name'));
  });

  it('runs multi-key commands under the tagged prefix', async () => {
    const [a, b] = [`${ctx.taggedPrefix}a`, `${ctx.taggedPrefix}b`];
    await ctx.client.mset(a, 'x', b, 'y');
    expect(await ctx.client.mget(a, b)).toEqual(['x', 'y']);
    expect(ctx.seeds.length).toBe(ctx.mode === 'cluster' ? 3 : 1);
    expect(ctx.url === undefined).toBe(ctx.mode === 'cluster');
  });
});

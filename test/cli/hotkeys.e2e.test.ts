import { describe, expect, it } from 'vitest';
import { useOwnRedis } from '../helpers/redis';
import { monitorClients, startSkewedLoad } from '../monitoring/hotkeys/skewedLoad';
import { json, rows, useCliHarness } from './cliHarness';

// The real CLI against the real app in a local host; the radar watches a server of its own (no other traffic on it).
const h = useCliHarness();
const own = useOwnRedis();

describe('rcm hotkeys', () => {
  it('runs the radar as a job, follows it and prints the hottest keys (table piped, --json), refuses bad flags and readers', async () => {
    const add = await h.rcm(['clusters', 'add', 'hk-cli', '--mode', 'standalone', '--endpoint', `${own.server.host}:${own.server.port}`]);
    expect(add.code).toBe(0);
    const load = startSkewedLoad(own.server.port, [{ key: 'hot:cli', share: 0.4, op: 'get' }]);
    try {
      const asJson = await h.rcm(['hotkeys', 'hk-cli', '--duration', '5', '--json'], { timeoutMs: 90_000 });
      expect(asJson.stderr).toBe('');
      expect(asJson.code).toBe(0);
      const report = json(asJson);
      expect(report.status).toBe('succeeded');
      expect(report.keys[0]).toMatchObject({ key: 'hot:cli', node: `${own.server.host}:${own.server.port}` });
      expect(report.findings.map((f: { code: string }) => f.code)).toContain('hot_key');

      const table = await h.rcm(['hotkeys', 'hk-cli', '--duration', '5', '--top', '3'], { timeoutMs: 90_000 });
      expect(table.code).toBe(0);
      const first = rows(table)[0];
      expect(first?.[0]).toBe('hot:cli');
      expect(first?.[2]).toBe('7069'); // CLUSTER KEYSLOT hot:cli
      expect(table.stdout).toContain('[WARNING] hot_key:');
    } finally {
      await load.stop();
    }
    expect(await monitorClients(own.server.port)).toEqual([]);

    const bad = await h.rcm(['hotkeys', 'hk-cli', '--method', 'keys']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--method must be auto, monitor or lfu');
    const reader = await h.rcm(['hotkeys', 'hk-cli'], { as: 'reader' });
    expect(reader.code).not.toBe(0);
    expect(reader.stderr).toMatch(/403/);
  }, 200_000);
});

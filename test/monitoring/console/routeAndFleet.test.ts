import { describe, expect, it } from 'vitest';
import { parseSort, sortRows, summarizeReadings, type FleetRow } from '../../../shared/monitoring/console/browser/fleet';
import { permission } from '../../../shared/monitoring/console/browser/permissions';
import { formatRoute, parseRoute, sections } from '../../../shared/monitoring/console/browser/route';

describe('console URLs', () => {
  it('every view has its own hash URL, and parsing it gives the view back', () => {
    for (const section of sections) {
      const route = { view: 'cluster' as const, clusterId: 'alpha', section };
      expect(parseRoute(formatRoute(route))).toEqual(route);
    }
    expect(formatRoute({ view: 'cluster', clusterId: 'alpha', section: 'overview' })).toBe('#/clusters/alpha');
    expect(parseRoute(formatRoute({ view: 'fleet', sort: '-memory' }))).toEqual({ view: 'fleet', sort: '-memory' });
  });

  it('anything unknown (bad id, unknown section, junk) falls back to the fleet or the overview', () => {
    expect(parseRoute('')).toEqual({ view: 'fleet' });
    expect(parseRoute('#/clusters/../etc')).toEqual({ view: 'fleet' });
    expect(parseRoute('#/clusters/<img>')).toEqual({ view: 'fleet' });
    expect(parseRoute('#/clusters/alpha/nope')).toEqual({ view: 'cluster', clusterId: 'alpha', section: 'overview' });
  });
});

describe('fleet rows', () => {
  const reading = (over: Partial<Parameters<typeof summarizeReadings>[0][number]>) => ({ node: 'n', reachable: true, opsPerSec: 10, hitRatio: 1, hitsDelta: 0, missesDelta: 0, usedMemoryBytes: 100, maxmemoryBytes: 1000, ...over });

  it('sums nodes; an unlimited node makes the cluster "no limit" (0); hit ratio is weighted by lookups', () => {
    const s = summarizeReadings([reading({ hitsDelta: 90, missesDelta: 10 }), reading({ hitsDelta: 0, missesDelta: 100, maxmemoryBytes: 0 }), reading({ reachable: false, usedMemoryBytes: null, opsPerSec: null })]);
    expect(s).toEqual({ nodesUp: 2, nodesTotal: 3, memoryUsed: 200, memoryMax: 0, hitRatio: 0.45, opsPerSec: 20 });
    expect(summarizeReadings([reading({})]).hitRatio).toBeNull();
    expect(summarizeReadings([])).toMatchObject({ nodesTotal: null, hitRatio: null });
  });

  it('sorts by any column, unknown values last, worst health first by default', () => {
    const row = (id: string, over: Partial<FleetRow>): FleetRow => ({ id, name: id, mode: 'standalone', verdict: 'ok', nodesUp: 1, nodesTotal: 1, memoryUsed: 1, memoryMax: 0, hitRatio: null, opsPerSec: 1, firingAlerts: 0, runningJobs: 0, ...over });
    const rows = [row('a', { memoryUsed: 5 }), row('b', { verdict: 'error', memoryUsed: null }), row('c', { verdict: 'warning', memoryUsed: 9 })];
    const d = parseSort(undefined);
    expect(sortRows(rows, d.key, d.descending).map((r) => r.id)).toEqual(['b', 'c', 'a']);
    const m = parseSort('-memory');
    expect(sortRows(rows, m.key, m.descending).map((r) => r.id)).toEqual(['c', 'a', 'b']);
    expect(sortRows(rows, 'memory', false).map((r) => r.id)).toEqual(['a', 'c', 'b']);
    expect(parseSort('-bogus')).toEqual({ key: 'verdict', descending: false });
  });
});

describe('console permissions', () => {
  it('disables what the role may not do, naming the role needed', () => {
    expect(permission('reader', 'invalidate')).toEqual({ allowed: false, reason: 'needs the operator role (you are reader)' });
    expect(permission('operator', 'invalidate')).toEqual({ allowed: true });
    expect(permission('operator', 'applyPolicy')).toEqual({ allowed: false, reason: 'needs the admin role (you are operator)' });
    expect(permission('admin', 'changeProtection')).toEqual({ allowed: true });
  });
});

describe('console URLs of the notification channels', () => {
  it('the channel list and one channel (its dead letters) have URLs of their own; a bad name is the list', () => {
    expect(formatRoute({ view: 'channels' })).toBe('#/channels');
    expect(parseRoute('#/channels/ops-hook')).toEqual({ view: 'channels', channel: 'ops-hook' });
    expect(parseRoute(formatRoute({ view: 'channels', channel: 'ops-hook' }))).toEqual({ view: 'channels', channel: 'ops-hook' });
    expect(parseRoute('#/channels/<img>')).toEqual({ view: 'channels' });
  });
});

import { describe, expect, it } from 'vitest';
import { alignSeries, combine, lastValue, sharedRange } from '../../../shared/monitoring/console/browser/series';

describe('console series alignment', () => {
  it('puts series sampled at different times on one x axis (seconds), with gaps as null, never 0', () => {
    const a = { points: [[1000, 1], [3000, 3]] as Array<[number, number | null]> };
    const b = { points: [[2000, 20], [3000, null], [4000, 40]] as Array<[number, number | null]> };
    expect(alignSeries([a, b])).toEqual([
      [1, 2, 3, 4],
      [1, null, 3, null],
      [null, 20, null, 40],
    ]);
    expect(alignSeries([])).toEqual([[]]);
  });

  it('a tile shows the last non-null point of the same series the chart draws', () => {
    expect(lastValue([1, 2, null, null])).toBe(2);
    expect(lastValue([null, null])).toBeNull();
    expect(lastValue([0])).toBe(0);
  });

  it('combines nodes into a cluster series: sum, mean and max over the nodes that have a value', () => {
    const ys = [
      [1, null, 3],
      [10, null, null],
    ];
    expect(combine(ys, 'sum')).toEqual([11, null, 3]);
    expect(combine(ys, 'mean')).toEqual([5.5, null, 3]);
    expect(combine(ys, 'max')).toEqual([10, null, 3]);
  });

  it('every chart of a view spans the requested window, not its own data extent', () => {
    expect(sharedRange(0, 3_600_000, [[1800, 1900]])).toEqual([0, 1900]);
    expect(sharedRange(0, 3_600_000, [[]])).toEqual([0, 3600]);
  });
});

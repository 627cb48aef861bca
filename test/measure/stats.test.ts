import { describe, expect, test } from 'vitest';
import { bootstrapRatioCI, median, quantile, seededRandom, summarize } from '../../src/measure/stats.js';

describe('quantiles (type 7, linear interpolation)', () => {
  test.each([
    { xs: [1, 2, 3, 4], q: 0.5, want: 2.5 },
    { xs: [4, 1, 3, 2], q: 0.5, want: 2.5 },
    { xs: [1, 2, 3, 4, 5], q: 0.5, want: 3 },
    { xs: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], q: 0.9, want: 9.1 },
    { xs: [10, 20], q: 0.9, want: 19 },
    { xs: [7], q: 0.9, want: 7 },
    { xs: [1, 2, 3], q: 0, want: 1 },
    { xs: [1, 2, 3], q: 1, want: 3 },
  ])('quantile($xs, $q) = $want', ({ xs, q, want }) => {
    expect(quantile(xs, q)).toBeCloseTo(want, 10);
  });

  test('median of nothing is NaN; input is not reordered', () => {
    expect(median([])).toBeNaN();
    const xs = [3, 1, 2];
    median(xs);
    expect(xs).toEqual([3, 1, 2]);
  });
});

test('summarize drops nulls and non-finite values and rounds to 0.01', () => {
  expect(summarize([3, null, 1, undefined, 2, Number.NaN, 4])).toEqual({ n: 4, median: 2.5, p90: 3.7, min: 1, max: 4, mean: 2.5 });
  expect(summarize([1 / 3, 2 / 3])).toEqual({ n: 2, median: 0.5, p90: 0.63, min: 0.33, max: 0.67, mean: 0.5 });
  expect(summarize([null, undefined])).toBeNull();
});

test('the PRNG is seeded: same seed, same sequence; values in [0, 1)', () => {
  const a = seededRandom(42);
  const b = seededRandom(42);
  const xs = Array.from({ length: 1000 }, () => a());
  expect(Array.from({ length: 1000 }, () => b())).toEqual(xs);
  expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
  expect(seededRandom(43)()).not.toBe(xs[0]);
  // Roughly uniform: the mean of 1000 draws is near 0.5.
  expect(Math.abs(xs.reduce((s, x) => s + x, 0) / xs.length - 0.5)).toBeLessThan(0.05);
});

describe('bootstrap interval of the B/A ratio of medians', () => {
  const a = [100, 102, 98, 101, 99, 103, 97, 100, 101, 99];
  test('identical constant samples give exactly [1, 1]', () => {
    expect(bootstrapRatioCI([5, 5, 5], [5, 5, 5])).toEqual({ ratio: 1, low: 1, high: 1, level: 0.95, iterations: 2000, seed: 1 });
  });
  test('A/A contains 1.0; a 30% slower B excludes it', () => {
    const aa = bootstrapRatioCI(
      a,
      [...a].reverse().map((x) => x + 0.5),
    )!;
    expect(aa.low).toBeLessThanOrEqual(1);
    expect(aa.high).toBeGreaterThanOrEqual(1);
    const ab = bootstrapRatioCI(
      a,
      a.map((x) => x * 1.3),
    )!;
    expect(ab.ratio).toBeCloseTo(1.3, 4);
    expect(ab.low).toBeGreaterThan(1.2);
    expect(ab.high).toBeLessThan(1.4);
  });
  test('reproducible for a seed, different for another, ordered low ≤ ratio ≤ high', () => {
    const b = a.map((x, i) => x * 0.9 + (i % 3));
    const r1 = bootstrapRatioCI(a, b, { seed: 7 })!;
    expect(bootstrapRatioCI(a, b, { seed: 7 })).toEqual(r1);
    expect(bootstrapRatioCI(a, b, { seed: 8 })).not.toEqual(r1);
    expect(r1.low).toBeLessThanOrEqual(r1.ratio);
    expect(r1.ratio).toBeLessThanOrEqual(r1.high);
  });
  test('no samples on one side: no interval', () => {
    expect(bootstrapRatioCI([], [1])).toBeNull();
    expect(bootstrapRatioCI([1], [])).toBeNull();
  });
});

// Small, dependency-free statistics for cold-start samples.
// Cold starts are skewed (a few slow outliers), so the summary is built on order statistics
// (median, p90) and the A/B comparison on a bootstrap of the ratio of medians, which needs no
// normality assumption. The PRNG is seeded so a result can be reproduced from its JSON.

export interface Summary {
  n: number;
  median: number;
  p90: number;
  min: number;
  max: number;
  mean: number;
}

/** Quantile with linear interpolation between order statistics (R type 7, NumPy's default). */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return quantileSorted(sorted, q);
}

function quantileSorted(sorted: readonly number[], q: number): number {
  const pos = (sorted.length - 1) * Math.min(1, Math.max(0, q));
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

export function median(values: readonly number[]): number {
  return quantile(values, 0.5);
}

/** Summary of the finite values; null when there are none (every run failed). */
export function summarize(values: readonly (number | null | undefined)[]): Summary | null {
  const xs = values.filter((v): v is number => typeof v === 'number' && Number.isFinite(v)).sort((a, b) => a - b);
  if (xs.length === 0) return null;
  return {
    n: xs.length,
    median: round(quantileSorted(xs, 0.5)),
    p90: round(quantileSorted(xs, 0.9)),
    min: round(xs[0]),
    max: round(xs[xs.length - 1]),
    mean: round(xs.reduce((s, x) => s + x, 0) / xs.length),
  };
}

/** Rounds to 0.01: sub-10 µs digits are noise and only make the JSON harder to read. */
export function round(x: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/** mulberry32: tiny, fast, good enough for resampling, and identical on every platform. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface RatioInterval {
  /** median(b) / median(a) on the observed samples. */
  ratio: number;
  /** Percentile bootstrap interval of that ratio. */
  low: number;
  high: number;
  level: number;
  iterations: number;
  seed: number;
}

/**
 * Percentile bootstrap confidence interval of median(b)/median(a): both samples are resampled
 * independently with replacement. With the samples interleaved A B A B, slow drifts of the machine
 * hit both sides alike, so independent resampling is a fair (slightly conservative) model.
 */
export function bootstrapRatioCI(
  a: readonly number[],
  b: readonly number[],
  opts: { iterations?: number; level?: number; seed?: number } = {},
): RatioInterval | null {
  if (a.length === 0 || b.length === 0) return null;
  const iterations = opts.iterations ?? 2000;
  const level = opts.level ?? 0.95;
  const seed = opts.seed ?? 1;
  const rand = seededRandom(seed);
  const ratios = new Float64Array(iterations);
  const ra = new Array<number>(a.length);
  const rb = new Array<number>(b.length);
  for (let i = 0; i < iterations; i++) {
    for (let j = 0; j < a.length; j++) ra[j] = a[Math.floor(rand() * a.length)];
    for (let j = 0; j < b.length; j++) rb[j] = b[Math.floor(rand() * b.length)];
    ratios[i] = median(rb) / median(ra);
  }
  const sorted = Array.from(ratios).sort((x, y) => x - y);
  const alpha = (1 - level) / 2;
  return {
    ratio: round(median(b) / median(a), 4),
    low: round(quantileSorted(sorted, alpha), 4),
    high: round(quantileSorted(sorted, 1 - alpha), 4),
    level,
    iterations,
    seed,
  };
}

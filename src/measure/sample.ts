import type { Sample } from './types.js';

/** A sample with nothing measured yet: each figure stays null until its moment is seen. */
export function emptySample(run: number): Sample {
  return { run, initMs: null, durationMs: null, e2eMs: null, unpackMs: null, warmMs: null, peakRssKb: null, output: null, startedAt: Date.now() };
}

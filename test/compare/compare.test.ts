// `compare` end to end on a small fixture (two rounds only: this checks the wiring and the result's
// shape, never which variant is faster), plus the per-event medians as a table of cases.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it, test } from 'vitest';
import { compare, formatCompareText, perEventMedians, type CompareResult, type VariantReport } from '../../src/compare/index.js';

const repo = path.resolve(__dirname, '../..');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'fl-compare-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('compare on the dirname fixture', () => {
  it('builds, verifies and measures the four variants interleaved', async () => {
    const app = path.join(tmp, 'dirname');
    fs.cpSync(path.join(repo, 'fixtures/bundle/dirname'), app, { recursive: true });
    fs.renameSync(path.join(app, '_node_modules'), path.join(app, 'node_modules'));
    const r = await compare({ input: app, handlers: ['handler.handler'], runs: 2, warmup: 0, work: path.join(tmp, 'work') });
    expect(r.variants.map((v) => v.name)).toEqual(['original', 'esbuild', 'lazy', 'bundle']);
    const bundle = r.variants.find((v) => v.name === 'bundle')!;
    expect(bundle.works).toBe(true);
    expect(bundle.identical).toBe(2);
    // Every variant ran once per round, on event round mod 2.
    for (const v of r.variants.filter((x) => x.built)) expect(v.samples.map((s) => s.run).sort()).toEqual([0, 1]);
    expect(r.events).toEqual(['five.json', 'one.json']);
    const text = formatCompareText(r);
    expect(text).toMatch(/\(d\) faaslight --bundle\s+2\/2/);
    expect(text).toMatch(/median e2e ms by event:/);
    expect(text).toMatch(/\n {2}five\.json/);
    // The plain esbuild bundle breaks on __dirname reads: it does not count as a choice.
    expect(r.best).toBe('original');
    expect(r.app).toBe(app);
  }, 120_000);
});

const variant = (name: VariantReport['name'], samples: [number, number | null][]): VariantReport => ({
  name,
  label: name,
  built: true,
  identical: 0,
  differing: [],
  works: true,
  files: 0,
  bytes: 0,
  e2eMs: null,
  initMs: null,
  failedRuns: 0,
  outputMismatches: 0,
  samples: samples.map(([run, e2eMs]) => ({ run, e2eMs, initMs: null, durationMs: null })) as VariantReport['samples'],
});

test.each([
  {
    name: 'two events, odd and even counts',
    events: ['a', 'b'],
    samples: [
      [0, 10],
      [1, 50],
      [2, 30],
      [3, 70],
      [4, 20],
    ] as [number, number | null][],
    want: [20, 60],
  },
  {
    name: 'a failed run is left out',
    events: ['a', 'b'],
    samples: [
      [0, 10],
      [1, null],
      [2, 30],
    ] as [number, number | null][],
    want: [20, undefined],
  },
  {
    name: 'one event',
    events: ['a'],
    samples: [
      [0, 5],
      [1, 7],
      [2, 6],
    ] as [number, number | null][],
    want: [6],
  },
])('per-event medians: $name', ({ events, samples, want }) => {
  const r = { events, variants: [variant('bundle', samples)] } as unknown as CompareResult;
  expect(perEventMedians(r).get('bundle')).toEqual(want);
});

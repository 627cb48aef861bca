// `faaslight model` through the CLI entry point: plain inputs, --from a recorded `measure --json`
// (and a batch-like file holding several), --sweep as data for the report, --simulate, usage errors.
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { main } from '../../src/cli.js';
import { steadyState } from '../../src/model/analytic.js';
import type { ModelReport } from '../../src/model/types.js';
import { buildReport, toInput } from '../../src/report/html/index.js';

const FIX = path.resolve(__dirname, '../../fixtures/model');

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(['node', 'faaslight', 'model', ...args], { out: (s) => void (out += s), err: (s) => void (err += s) });
  return { code, out, err };
}

describe('faaslight model', () => {
  test('--json: the model for the given times, one row per rate', async () => {
    const r = await run(['--arrival-rate', '0.5,5', '--warm', '0.1', '--cold', '0.5', '--idle-timeout', '10', '--json']);
    expect(r.code).toBe(0);
    const rep = JSON.parse(r.out) as ModelReport;
    expect(rep.kind).toBe('faaslight.model');
    expect(rep.sweep.map((x) => x.arrivalRate)).toEqual([0.5, 5]);
    const want = steadyState({ arrivalRate: 5, warm: 0.1, cold: 0.5, idleTimeout: 10 });
    expect(rep.sweep[1].before.coldProbability).toBe(want.coldProbability);
    expect(rep.sweep[1].after).toBeUndefined();
    expect(rep.sweep[1].before.cost!.perMillion).toBeGreaterThan(0.2); // request price alone is $0.20
  });

  test('--from a measure result: original and optimized side by side, times from the summaries', async () => {
    const r = await run(['--from', path.join(FIX, 'measure-ab.json'), '--arrival-rate', '1', '--idle-timeout', '5', '--json']);
    expect(r.code).toBe(0);
    const rep = JSON.parse(r.out) as ModelReport;
    const { before, after } = rep.sweep[0];
    // A: init mean 99.85 ms + first invoke 40.08 ms; warm invoke 25.83 ms (recorded in the fixture).
    expect(before.service.cold).toBeCloseTo((99.85 + 40.08) / 1000, 9);
    expect(before.service.warm).toBeCloseTo(25.83 / 1000, 9);
    expect(after!.service.label).toBe('optimized');
    expect(after!.coldProbability).toBeGreaterThan(0);
  });

  test('--sweep: curves as data, and the text table with the simulation', async () => {
    const r = await run(['--sweep', '0.01:100:5', '--warm', '0.01', '--cold', '0.3', '--idle-timeout', '60', '--json']);
    const rep = JSON.parse(r.out) as ModelReport;
    expect(rep.sweep.map((x) => x.arrivalRate)).toEqual([0.01, 0.1, 1, 10, 100]);
    const cold = rep.sweep.map((x) => x.before.coldProbability);
    expect(cold[0]).toBeGreaterThan(cold[4]);
    const t = await run(['--arrival-rate', '2', '--warm', '0.05', '--cold', '0.3', '--idle-timeout', '3', '--simulate', '--horizon', '2000']);
    expect(t.code).toBe(0);
    expect(t.out).toMatch(/cold-start probability\s+\S+%\s+\S+%/);
  });

  test('the HTML report reads the JSON: curves before/after', async () => {
    const r = await run(['--from', path.join(FIX, 'measure-ab.json'), '--sweep', '0.01:10:4', '--idle-timeout', '60', '--json']);
    const rep = JSON.parse(r.out) as ModelReport;
    expect(rep.app).toBe('sleepy');
    expect(rep.inputs.idleTimeoutS).toBe(60);
    expect(rep.sweep[0].before.avgResponseTimeS).toBe(rep.sweep[0].before.meanResponseTime);
    const html = buildReport([toInput('model.json', rep)]);
    expect(html).toContain('sleepy: predictions per arrival rate');
    expect(html).toContain('cold-start probability');
  });

  test('a batch-like file with several results needs --app', async () => {
    const two = path.join(FIX, 'batch-two.json');
    const r = await run(['--from', two, '--arrival-rate', '1', '--idle-timeout', '5']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/holds 2 measure results: choose one with --app/);
    const ok = await run(['--from', two, '--app', 'Other', '--arrival-rate', '1', '--idle-timeout', '5', '--json']);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.out).sweep[0].after).toBeUndefined();
  });

  test.each([
    [['--warm', '1', '--cold', '2', '--idle-timeout', '1'], /--arrival-rate/],
    [['--arrival-rate', '1', '--cold', '2', '--idle-timeout', '1'], /--warm and --cold/],
    [['--arrival-rate', '1', '--warm', '1', '--cold', '2'], /--idle-timeout is required/],
    [['--arrival-rate', '-1', '--warm', '1', '--cold', '2', '--idle-timeout', '1'], /positive number/],
    [['--arrival-rate', '1', '--from', path.join(FIX, 'nope.json'), '--idle-timeout', '1'], /cannot read measurement results/],
    [['--arrival-rate', '1', '--from', path.join(FIX, 'measure-ab.json'), '--warm', '1', '--idle-timeout', '1'], /drop --warm/],
    [['--sweep', '10:1:3', '--warm', '1', '--cold', '2', '--idle-timeout', '1'], /from < to/],
  ])('usage error %j', async (args, msg) => {
    const r = await run(args);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(msg);
  });
});

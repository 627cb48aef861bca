// measure(): interleaving, summaries, the A/B comparison and output identity, usage errors, and
// the CLI shell over it (exit codes 0 / 1 / 2).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import { afterAll, describe, expect, test } from 'vitest';
import { registerMeasure } from '../../src/cli/measure.js';
import { cliOf } from '../../src/cli/output.js';
import { UsageError } from '../../src/diagnostics.js';
import {
  canonicalJson,
  measure as measureSpecs,
  resolveMeasureHandlers,
  type HandlerQuery,
  type MeasureOptions,
  type ProgressEvent,
} from '../../src/measure/index.js';
import { writeRawZip } from './zip-helper.js';

const FIX = path.resolve(__dirname, '../../fixtures/measure');
const fx = (name: string) => path.join(FIX, name);
const tmp = mkdtempSync(path.join(os.tmpdir(), 'faaslight-measure-cli-'));
const eventFile = path.join(tmp, 'event.json');
writeFileSync(eventFile, '{"k": "v"}');
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
/** What the `measure` command does: resolve the handlers of the packages once, then measure those specs. */
type Query = Omit<MeasureOptions, 'handler' | 'vsHandler'> & Pick<HandlerQuery, 'handler'>;
const base: Partial<Query> = { runs: 2, warmup: 0, runtimeClient: 'builtin', event: eventFile };
async function measure(o: Query) {
  const { handler, ...rest } = o;
  return measureSpecs({ ...rest, ...(await resolveMeasureHandlers({ input: o.input, vs: o.vs, handler, platform: o.platform })) });
}

describe('measure()', () => {
  test('A/A: interleaved A B A B, summaries, interval, identical outputs, JSON-serialisable', async () => {
    const events: ProgressEvent[] = [];
    const r = await measure({ ...base, warmup: 1, input: fx('node-cjs'), vs: fx('node-cjs'), onProgress: (e) => events.push(e) });
    expect(events.map((e) => (e.type === 'run' ? `${e.label}${e.run}${e.warmup ? 'w' : ''}:${e.done}/${e.total}` : e.type))).toEqual([
      'start',
      'A-1w:1/6',
      'B-1w:2/6',
      'A0:3/6',
      'B0:4/6',
      'A1:5/6',
      'B1:6/6',
    ]);
    expect(JSON.parse(JSON.stringify(r))).toEqual(r);
    expect(r).toMatchObject({
      version: 1,
      platform: 'aws',
      runtime: 'nodejs',
      event: eventFile,
      runs: 2,
      warmupRuns: 1,
      identicalOutputs: true,
      outputDifferences: [],
      diagnostics: [],
    });
    expect(
      r.packages.map((p) => [p.label, p.handler.handler, p.runtimeClient, p.warmup.length, p.samples.map((s) => s.run), p.summary.ok, p.summary.failed]),
    ).toEqual([
      ['A', 'index.handler', 'builtin', 1, [0, 1], 2, 0],
      ['B', 'index.handler', 'builtin', 1, [0, 1], 2, 0],
    ]);
    expect(r.packages[0].samples[0].output).toMatchObject({ echo: { k: 'v' } });
    const s = r.packages[0].summary.e2eMs!;
    expect(s.n).toBe(2);
    expect(s.min).toBeLessThanOrEqual(s.median);
    expect(s.median).toBeLessThanOrEqual(s.p90);
    expect(s.p90).toBeLessThanOrEqual(s.max);
    expect(r.packages[0].summary.initMs!.median).toBeLessThanOrEqual(s.median);
    const c = r.comparison!;
    expect(c.metric).toBe('e2eMs');
    expect(c.interval.low).toBeLessThanOrEqual(c.interval.ratio);
    expect(c.interval.ratio).toBeLessThanOrEqual(c.interval.high);
    expect(c.interval.seed).toBe(1);
    expect(r.notes).toContain('memory limit not enforced: no --memory given');
  });

  test('different outputs are flagged per run (FL301); a zip input finds its handler inside', async () => {
    const zip = path.join(tmp, 'b.zip');
    writeRawZip(zip, [{ name: 'index.js', data: 'exports.handler = async () => ({ other: true });' }]);
    const r = await measure({ ...base, runs: 1, input: fx('node-esm'), vs: zip });
    expect(r.identicalOutputs).toBe(false);
    expect(r.outputDifferences).toEqual([0]);
    expect(r.packages[1].samples[0].output).toEqual({ other: true });
    expect(r.diagnostics.map((d) => [d.id, d.severity])).toEqual([['FL301', 'error']]);
  });

  test('failed runs are counted, kept with their error, and become FL303 warnings; profile of a Python package', async () => {
    const bad = await measure({ ...base, input: fx('node-init-error') });
    expect(bad.packages[0].summary).toMatchObject({ ok: 0, failed: 2, e2eMs: null });
    expect(bad.packages[0].samples.map((s) => s.error?.kind)).toEqual(['init-error', 'init-error']);
    expect(bad.diagnostics.map((d) => d.id)).toEqual(['FL303', 'FL303']);
    expect(bad.identicalOutputs).toBeNull();

    const py = await measure({ ...base, runs: 1, input: fx('python-app'), profile: true });
    expect(py.runtime).toBe('python');
    expect(py.packages[0].runtimeClient).toBe('python');
    expect(py.machine.python).toMatch(/^3\.\d+\.\d+$/);
    expect(py.packages[0].profile?.tool).toBe('python-importtime');
    expect(py.packages[0].profile?.top.map((e) => e.package)).toEqual(expect.arrayContaining(['email', 'http']));
  });

  test('a corrupt zip with --handler: every run of that side reports the unpack error, the other side is measured', async () => {
    const bad = path.join(tmp, 'corrupt.zip');
    writeFileSync(bad, 'not a zip');
    const r = await measure({ ...base, input: fx('node-cjs'), vs: bad, handler: 'index.handler' });
    expect(r.packages[0].summary).toMatchObject({ ok: 2, failed: 0 });
    expect(r.packages[1].samples.map((s) => [s.error?.kind, s.error?.phase])).toEqual([
      ['unpack', 'unpack'],
      ['unpack', 'unpack'],
    ]);
    expect(r.comparison).toBeUndefined();
    expect(r.identicalOutputs).toBeNull(); // nothing comparable: unpack failures say nothing about outputs
    await expect(measure({ ...base, input: bad })).rejects.toThrow(/cannot open the zip/);
  });

  test.each([
    { name: 'event file that is not JSON', opts: { event: 'BAD' }, msg: /is not JSON/ },
    { name: 'missing event file', opts: { event: path.join(tmp, 'nope.json') }, msg: /cannot read the event file/ },
    { name: 'missing package', opts: { input: path.join(tmp, 'nope') }, msg: /package not found/ },
    { name: 'zero runs', opts: { runs: 0 }, msg: /--runs must be a positive integer/ },
    { name: 'memory outside Lambda range', opts: { memoryMb: 64 }, msg: /--memory must be an integer between 128 and 10240/ },
    { name: 'no handler to be found', opts: { input: tmp }, msg: /no handler/ },
    { name: 'gcf with Python', opts: { input: fx('python-app'), platform: 'gcf' as const, handler: 'handler' }, msg: /Node\.js functions only|handler/ },
  ])('usage error: $name', async ({ opts, msg }) => {
    const badEvent = path.join(tmp, 'bad.json');
    writeFileSync(badEvent, '{nope');
    const o = { ...base, input: fx('node-cjs'), ...opts } as Query;
    if (o.event === 'BAD') o.event = badEvent;
    const err = await measure(o).catch((e) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect(err.message).toMatch(msg);
  });
});

describe('CLI', () => {
  async function cli(args: string[]): Promise<{ out: string; err: string; code: number | undefined }> {
    let out = '';
    let err = '';
    const cli = cliOf({ out: (s) => void (out += s), err: (s) => void (err += s) });
    const program = new Command('faaslight').exitOverride().configureOutput({ writeOut: cli.out, writeErr: cli.err });
    registerMeasure(program, cli);
    await program.parseAsync(['node', 'faaslight', 'measure', ...args]);
    return { out, err, code: cli.exitCode || undefined };
  }

  test('--json prints the result; progress goes to stderr; exit 0', async () => {
    const r = await cli([fx('node-cjs'), '--runs', '1', '--warmup', '0', '--json', '--runtime-client', 'builtin', '--event', eventFile]);
    expect(r.code).toBeUndefined();
    const json = JSON.parse(r.out);
    expect(json.packages[0].samples[0].output.echo).toEqual({ k: 'v' });
    expect(r.err.split('\n')[0]).toBe('measuring: 1 cold start(s)');
    expect(r.err).toMatch(/^\[1\/1\] A run 1: init [\d.]+ ms, e2e [\d.]+ ms$/m);
  });

  test('the table names the failure and the stderr tail; exit 1', async () => {
    const r = await cli([fx('node-init-error'), '--runs', '1', '--warmup', '0', '--quiet', '--runtime-client', 'builtin']);
    expect(r.code).toBe(1);
    expect(r.err).toBe('');
    expect(r.out).toMatch(/^faaslight measure: aws, nodejs \(builtin\), 1 run\(s\) per package \+ 0 warm-up/);
    expect(r.out).toMatch(/failed runs\s+1\/1/);
    expect(r.out).toContain('A run 0: init-error (init): Error: boom at init');
    expect(r.out).toMatch(
      /^ {4}\| \S+\tundefined\tERROR\tUncaught Exception \t\{"errorType":"Error","errorMessage":"boom at init","stack":\["Error: boom at init",/m,
    );
  });

  test('GCF through the CLI with --target', async () => {
    const r = await cli([fx('gcf-node'), '--platform', 'gcf', '--target', 'hello', '--runs', '1', '--warmup', '0', '--json', '--quiet', '--event', eventFile]);
    expect(r.code).toBeUndefined();
    const json = JSON.parse(r.out);
    expect(json.platform).toBe('gcf');
    expect(json.packages[0].runtimeClient).toBe('functions-framework');
    expect(json.packages[0].samples[0].output).toEqual({ status: 200, body: { got: { k: 'v' }, method: 'POST' } });
  });

  test('usage errors are UsageError (exit 2 in the main CLI)', async () => {
    await expect(cli([fx('node-cjs'), '--event', path.join(tmp, 'missing.json'), '--quiet'])).rejects.toBeInstanceOf(UsageError);
  });
});

test('canonicalJson ignores key order only', () => {
  expect(canonicalJson({ b: 1, a: { d: [2, { y: 1, x: 2 }], c: null } })).toBe('{"a":{"c":null,"d":[2,{"x":2,"y":1}]},"b":1}');
  expect(canonicalJson([2, 1])).not.toBe(canonicalJson([1, 2]));
});

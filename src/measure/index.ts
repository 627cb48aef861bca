// `measure`: N fresh instances per package, A and B interleaved (A B A B …) after warm-up pairs,
// so slow drifts of a shared machine hit both sides alike. Returns one JSON-serialisable result
// that the CLI, the batch runner and the HTML report all read.
import { promises as fsp } from 'node:fs';
import os from 'node:os';
import { diag, UsageError } from '../diagnostics.js';
import type { Diagnostic } from '../types.js';
import { assertPackage } from './handlers.js';
import { coldStart, DEFAULT_INIT_TIMEOUT_MS, DEFAULT_TIMEOUT_MS, type ColdStartResult } from './coldstart.js';
import { prepareLimits, pythonFor, pythonVersion, resolveRuntimeClient } from '../sandbox/index.js';
import { bootstrapRatioCI, summarize } from './stats.js';
import type { Comparison, MeasureOptions, MeasureResult, PackageMeasurement, PackageSummary, RuntimeClientKind, Sample } from './types.js';

export * from './types.js';
export { coldStart, type ColdStartOptions, type ColdStartResult } from './coldstart.js';
export { findHandlers, findHandler, resolveMeasureHandlers, type HandlerQuery } from './handlers.js';
export { bootstrapRatioCI, median, quantile, summarize, seededRandom } from './stats.js';
export { formatMeasureText } from './report.js';

export const DEFAULT_RUNS = 10;

/** Reads and parses the event file; a missing file or invalid JSON is a usage error (nothing is started). */
export async function readEvent(file: string | undefined): Promise<{ payload: string; label: string }> {
  if (!file) return { payload: '{}', label: '{} (no --event)' };
  let text: string;
  try {
    text = await fsp.readFile(file, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read the event file ${file}: ${(e as Error).message}`);
  }
  try {
    JSON.parse(text);
  } catch (e) {
    throw new UsageError(`the event file ${file} is not JSON: ${(e as Error).message}`);
  }
  return { payload: text, label: file };
}

export function packageSummary(samples: Sample[]): PackageSummary {
  const ok = samples.filter((s) => !s.error);
  const pick = (k: 'initMs' | 'durationMs' | 'e2eMs' | 'unpackMs' | 'warmMs' | 'peakRssKb') => summarize(ok.map((s) => s[k]));
  return {
    ok: ok.length,
    failed: samples.length - ok.length,
    initMs: pick('initMs'),
    durationMs: pick('durationMs'),
    e2eMs: pick('e2eMs'),
    unpackMs: pick('unpackMs'),
    warmMs: pick('warmMs'),
    peakRssKb: pick('peakRssKb'),
  };
}

/** JSON with sorted keys: two outputs are identical when their canonical texts are. */
export function canonicalJson(v: unknown): string {
  return JSON.stringify(v, (_k, x) =>
    x && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : x,
  );
}

function toSample(r: ColdStartResult): Sample {
  const { protocol: _p, taskRoot: _t, profile: _pr, ...sample } = r;
  return sample;
}

export function compare(a: PackageMeasurement, b: PackageMeasurement, seed: number): Comparison | undefined {
  const av = a.samples.filter((s) => !s.error && s.e2eMs !== null).map((s) => s.e2eMs!);
  const bv = b.samples.filter((s) => !s.error && s.e2eMs !== null).map((s) => s.e2eMs!);
  const interval = bootstrapRatioCI(av, bv, { seed });
  if (!interval) return undefined;
  const significant = interval.low > 1 || interval.high < 1;
  const pct = Math.abs(Math.round((1 - interval.ratio) * 1000) / 10);
  const verdict = !significant
    ? `no difference shown: the ${interval.level * 100}% interval [${interval.low}, ${interval.high}] contains 1.0`
    : interval.high < 1
      ? `B starts ${pct}% faster end to end (B/A ${interval.ratio}, ${interval.level * 100}% CI [${interval.low}, ${interval.high}])`
      : `B starts ${pct}% slower end to end (B/A ${interval.ratio}, ${interval.level * 100}% CI [${interval.low}, ${interval.high}])`;
  return { metric: 'e2eMs', interval, significant, verdict };
}

/** Compares A's and B's outputs run by run (samples matched by run index). */
export function outputAgreement(a: Sample[], b: Sample[]): { identicalOutputs: boolean | null; outputDifferences: number[] } {
  const outputDifferences: number[] = [];
  let compared = 0;
  const byRun = new Map(b.map((s) => [s.run, s]));
  for (const sa of a) {
    const sb = byRun.get(sa.run);
    if (!sb) continue;
    // Failures of the measurement itself (unpack, spawn) say nothing about the function's output.
    if (['unpack', 'spawn'].includes(sa.error?.kind ?? '') || ['unpack', 'spawn'].includes(sb.error?.kind ?? '')) continue;
    compared++;
    if (canonicalJson(sa.output) !== canonicalJson(sb.output)) outputDifferences.push(sa.run);
  }
  return { identicalOutputs: compared === 0 ? null : outputDifferences.length === 0, outputDifferences };
}

export async function measure(opts: MeasureOptions): Promise<MeasureResult> {
  const t0 = performance.now();
  const startedAt = new Date().toISOString();
  const runs = opts.runs ?? DEFAULT_RUNS;
  const warmupRuns = opts.warmup ?? 1;
  const platform = opts.platform ?? 'aws';
  if (!Number.isInteger(runs) || runs < 1) throw new UsageError(`--runs must be a positive integer, got ${opts.runs}`);
  if (!Number.isInteger(warmupRuns) || warmupRuns < 0) throw new UsageError(`--warmup must be a non-negative integer, got ${opts.warmup}`);
  if (opts.memoryMb !== undefined && (!Number.isInteger(opts.memoryMb) || opts.memoryMb < 128 || opts.memoryMb > 10240))
    throw new UsageError(`--memory must be an integer between 128 and 10240 MB (Lambda's range), got ${opts.memoryMb}`);
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const initTimeoutMs = opts.initTimeoutMs ?? DEFAULT_INIT_TIMEOUT_MS;
  const event = await readEvent(opts.event);

  const inputs: { label: 'A' | 'B'; input: string }[] = [{ label: 'A', input: opts.input }];
  if (opts.vs) inputs.push({ label: 'B', input: opts.vs });
  for (const i of inputs) await assertPackage(i.input);
  const handlers = inputs.map((_, k) => (k === 0 ? opts.handler : (opts.vsHandler ?? opts.handler)));
  const runtime = handlers[0].runtime;
  if (handlers.some((h) => h.runtime !== runtime)) throw new UsageError(`A and B have different runtimes (${handlers.map((h) => h.runtime).join(' vs ')})`);
  if (platform === 'gcf' && runtime !== 'nodejs')
    throw new UsageError('--platform gcf measures Node.js functions only (the Python Functions Framework is not bundled)');

  const notes: string[] = [];
  const diagnostics: Diagnostic[] = [];
  let client: RuntimeClientKind = runtime === 'python' ? 'python' : platform === 'gcf' ? 'functions-framework' : 'builtin';
  if (platform === 'aws' && runtime === 'nodejs') {
    const rc = resolveRuntimeClient(opts.runtimeClient ?? 'auto');
    client = rc.kind;
    if (rc.note) notes.push(rc.note);
  }
  const python = opts.python ?? pythonFor(handlers[0]);
  const pyVersion = runtime === 'python' ? pythonVersion(python) : undefined;
  if (runtime === 'python' && !pyVersion) notes.push(`Python interpreter ${python} could not be run: every run will fail to spawn`);
  if (!opts.event) notes.push('no --event given: the event is {}');

  const limits = prepareLimits({ memoryMb: opts.memoryMb });
  notes.push(...limits.notes);
  const packages: PackageMeasurement[] = inputs.map((i, k) => ({
    label: i.label,
    input: i.input,
    handler: handlers[k],
    runtimeClient: client,
    warmup: [],
    samples: [],
    summary: packageSummary([]),
  }));
  const total = (runs + warmupRuns) * packages.length;
  let done = 0;
  opts.onProgress?.({ type: 'start', total });
  const common = {
    platform,
    runtimeClient: client === 'ric' ? ('ric' as const) : ('builtin' as const),
    python,
    timeoutMs,
    initTimeoutMs,
    memoryMb: opts.memoryMb,
    env: opts.env,
    limits,
  };
  try {
    for (let i = 0 - warmupRuns; i < runs; i++) {
      // 0 - 0 is +0: a run index of -0 would not equal 0 in deep comparisons
      for (const p of packages) {
        const r = await coldStart(p.input, p.handler, event.payload, { ...common, run: i < 0 ? -1 : i });
        const sample = toSample(r);
        (i < 0 ? p.warmup : p.samples).push(sample);
        done++;
        opts.onProgress?.({ type: 'run', label: p.label, run: i, warmup: i < 0, sample, done, total });
        if (sample.error && i >= 0)
          diagnostics.push(diag('FL303', 'warning', `${p.label} run ${i}: ${sample.error.kind}: ${sample.error.message}`, { file: p.input }));
      }
    }
    if (opts.profile) {
      for (const p of packages) {
        opts.onProgress?.({ type: 'profile', label: p.label });
        const r = await coldStart(p.input, p.handler, event.payload, { ...common, profile: true, warm: false, run: -1 });
        p.profile = r.profile ?? {
          tool: runtime === 'python' ? 'python-importtime' : 'require-hook',
          totalMs: 0,
          top: [],
          tree: [],
          loadedDuringInvoke: [],
          notes: [],
        };
        if (r.error) p.profile.error = r.error;
      }
    }
  } finally {
    limits.dispose();
  }
  for (const p of packages) p.summary = packageSummary(p.samples);

  let identicalOutputs: boolean | null = null;
  const outputDifferences: number[] = [];
  if (packages.length === 2) {
    const agreement = outputAgreement(packages[0].samples, packages[1].samples);
    identicalOutputs = agreement.identicalOutputs;
    outputDifferences.push(...agreement.outputDifferences);
    if (!identicalOutputs)
      diagnostics.push(
        diag('FL301', 'error', `A and B answered differently on run(s) ${outputDifferences.join(', ')}`, { note: 'compare the outputs in the JSON result' }),
      );
  }

  return {
    kind: 'faaslight.measure',
    version: 1,
    platform,
    runtime,
    event: event.label,
    runs,
    warmupRuns,
    ...(opts.memoryMb !== undefined ? { memoryMb: opts.memoryMb } : {}),
    timeoutMs,
    initTimeoutMs,
    cpu: limits.cpu,
    packages,
    ...(packages.length === 2 ? { comparison: compare(packages[0], packages[1], opts.seed ?? 1) } : {}),
    identicalOutputs,
    outputDifferences,
    notes,
    diagnostics,
    machine: {
      cpus: os.availableParallelism?.() ?? os.cpus().length,
      node: process.version,
      platform: `${os.platform()} ${os.release()}`,
      ...(pyVersion ? { python: pyVersion } : {}),
    },
    startedAt,
    wallMs: Math.round(performance.now() - t0),
  };
}

// `load`: a workload against a pool of local Lambda instances behind the Invoke API, for one package
// or two (A then B, with the same seeded arrivals), summarised as throughput, goodput, errors by
// kind, latency percentiles, cold starts and instances over time — and set against the model's
// prediction for the same inputs. Every instance, server and task root is gone when it returns.
import { readEvent } from '../measure/index.js';
import { findHandler } from '../measure/handlers.js';
import { awsLaunch, makeBase, removeBase, unpackInto } from '../sandbox/index.js';
import { quantile, round } from '../measure/stats.js';
import { UsageError, diag } from '../diagnostics.js';
import { steadyState } from '../model/analytic.js';
import { simulate } from '../model/simulate.js';
import { InvokeApi } from './front.js';
import { InstancePool } from './pool.js';
import { drive } from './workload.js';
import type { LatencySummary, LoadOptions, LoadReport, LoadRun, ModelCheck, RequestKind, RequestRecord } from './types.js';
import { promises as fsp } from 'node:fs';

export * from './types.js';
export { InstancePool } from './pool.js';
export { InvokeApi } from './front.js';
export { drive, poissonSchedule } from './workload.js';
export { formatLoadText } from './report.js';

export const DEFAULT_TIMEOUT_MS = 30_000;
export const DEFAULT_INIT_TIMEOUT_MS = 10_000;

export function latencySummary(xs: number[]): LatencySummary | null {
  if (!xs.length) return null;
  return {
    n: xs.length,
    mean: round(xs.reduce((s, x) => s + x, 0) / xs.length),
    p50: round(quantile(xs, 0.5)),
    p90: round(quantile(xs, 0.9)),
    p99: round(quantile(xs, 0.99)),
    max: round(Math.max(...xs)),
  };
}

const mean = (xs: number[]) => (xs.length ? xs.reduce((s, x) => s + x, 0) / xs.length : null);

export function modelCheck(run: LoadRun, records: RequestRecord[], o: LoadOptions): ModelCheck | undefined {
  const notes: string[] = [];
  const w = run.service.warmMs ?? run.service.coldMs;
  const c = run.service.coldMs;
  if (w === null || c === null || records.length === 0) return undefined;
  const durationS = o.workload.kind === 'open' ? o.workload.durationMs / 1000 : Math.max(run.wallMs / 1000, 1e-3);
  const arrivalRate = o.workload.kind === 'open' ? o.workload.rate : records.length / durationS;
  if (o.workload.kind === 'closed')
    notes.push(
      'closed loop: arrivals are not Poisson (each user waits for its answer); the model is fed the achieved rate, so the comparison is indicative only',
    );
  if (run.service.warmMs === null) notes.push('no warm request in this run: the warm time is taken as the cold time');
  const inputs = { arrivalRate, warm: w / 1000, cold: c / 1000, idleTimeout: o.idleTimeoutMs / 1000, maxConcurrency: o.maxConcurrency };
  const { states: _s, truncation: _t, ...predicted } = steadyState(inputs);
  // The same system over the run's own length from an empty pool: requests-weighted over replications.
  const replications = 200;
  const sim = simulate(inputs, { horizon: durationS, warmup: 0, replications, service: 'deterministic', seed: o.seed ?? 1 });
  const ok = records.filter((r) => r.kind === 'ok');
  notes.push(
    'model inputs: this run’s arrival rate and its own server-side mean service times (warm: event handed out → response; cold: spawn → response); measured latency is client-side (adds the loopback HTTP hop)',
  );
  return {
    inputs,
    predicted,
    simulatedRun: { coldProbability: sim.coldProbability, meanResponseTime: sim.meanResponseTime, replications },
    measured: {
      coldFraction: run.coldStarts / records.length,
      meanLatency: (mean(ok.map((r) => r.latencyMs)) ?? NaN) / 1000,
      rejectionFraction: (run.errors.throttled ?? 0) / records.length,
    },
    notes,
  };
}

export function summarizeRun(
  base: Pick<LoadRun, 'label' | 'input' | 'handler' | 'runtimeClient'>,
  records: RequestRecord[],
  wallMs: number,
  pool: Pick<InstancePool, 'timeline' | 'coldStarts' | 'expired'>,
): LoadRun {
  const errors: Partial<Record<RequestKind, number>> = {};
  for (const r of records) if (r.kind !== 'ok') errors[r.kind] = (errors[r.kind] ?? 0) + 1;
  const ok = records.filter((r) => r.kind === 'ok');
  const answered = records.filter((r) => r.kind !== 'connection');
  const secs = wallMs / 1000;
  const svc = (cold: boolean) => records.filter((r) => r.cold === cold && (r.kind === 'ok' || r.kind === 'handler-error') && r.serviceMs !== undefined);
  const coldInit = records.filter((r) => r.cold && r.initMs !== undefined).map((r) => r.initMs!);
  const r2 = (x: number | null) => (x === null ? null : round(x));
  return {
    ...base,
    wallMs: Math.round(wallMs),
    requests: records.length,
    throughput: round(answered.length / secs, 3),
    goodput: round(ok.length / secs, 3),
    errors,
    latency: {
      all: latencySummary(ok.map((r) => r.latencyMs)),
      warm: latencySummary(ok.filter((r) => !r.cold).map((r) => r.latencyMs)),
      cold: latencySummary(ok.filter((r) => r.cold).map((r) => r.latencyMs)),
    },
    coldStarts: records.filter((r) => r.cold).length,
    coldFraction: records.length ? round(records.filter((r) => r.cold).length / records.length, 4) : 0,
    expired: pool.expired,
    maxInstances: Math.max(0, ...pool.timeline.map((p) => p.instances)),
    instancesOverTime: pool.timeline,
    service: {
      warmMs: r2(mean(svc(false).map((r) => r.serviceMs!))),
      coldMs: r2(mean(svc(true).map((r) => r.serviceMs!))),
      initMs: r2(mean(coldInit)),
    },
  };
}

export async function runLoad(o: LoadOptions): Promise<LoadReport> {
  const startedAt = new Date().toISOString();
  if (!(o.maxConcurrency >= 1)) throw new UsageError('--max-concurrency must be at least 1');
  if (!(o.idleTimeoutMs > 0)) throw new UsageError('--idle-timeout must be positive');
  const w = o.workload;
  if (w.kind === 'closed' && !(w.users >= 1 && w.loops >= 1 && w.rampUpMs >= 0))
    throw new UsageError('--users and --loops must be at least 1, --ramp-up at least 0');
  if (w.kind === 'open' && !(w.rate > 0 && w.durationMs > 0)) throw new UsageError('--rate and --duration must be positive');
  const event = await readEvent(o.event);
  const inputs: { label: 'A' | 'B'; input: string }[] = [{ label: 'A', input: o.input }];
  if (o.vs) inputs.push({ label: 'B', input: o.vs });
  for (const i of inputs) {
    const st = await fsp.stat(i.input).catch(() => undefined);
    if (!st) throw new UsageError(`package not found: ${i.input}`, diag('FL001', 'error', `package not found: ${i.input}`));
  }
  const notes: string[] = [];
  if (inputs.length === 2) notes.push('A then B, one after the other with the same seeded arrivals (a load run cannot be interleaved like cold starts)');
  const seed = o.seed ?? 1;
  const runs: LoadRun[] = [];
  for (const i of inputs) {
    const base = await makeBase();
    try {
      const root = await unpackInto(base, i.input).catch((e: Error) => {
        throw new UsageError(`cannot unpack ${i.input}: ${e.message}`);
      });
      const spec = await findHandler(root.dir, o.handler);
      const launch = awsLaunch(spec, { runtimeClient: o.runtimeClient, python: o.python, memoryMb: o.memoryMb });
      const pool = new InstancePool({
        root,
        spec,
        launch,
        idleTimeoutMs: o.idleTimeoutMs,
        maxConcurrency: o.maxConcurrency,
        timeoutMs: o.timeoutMs ?? DEFAULT_TIMEOUT_MS,
        initTimeoutMs: o.initTimeoutMs ?? DEFAULT_INIT_TIMEOUT_MS,
        memoryMb: o.memoryMb,
        env: o.env,
      });
      const api = await InvokeApi.start(pool);
      let driven: Awaited<ReturnType<typeof drive>>;
      try {
        o.onProgress?.(`${i.label}: ${i.input} (${spec.handler}) …`);
        driven = await drive({
          url: api.url,
          payload: event.payload,
          workload: w,
          maxRequests: o.maxRequests,
          maxTimeMs: o.maxTimeMs,
          seed,
          requestTimeoutMs: (o.timeoutMs ?? DEFAULT_TIMEOUT_MS) + (o.initTimeoutMs ?? DEFAULT_INIT_TIMEOUT_MS) + 5000,
        });
      } finally {
        await api.close();
        await pool.close();
      }
      if (driven.truncated) notes.push(`${i.label}: stopped at the bound (--max-requests ${o.maxRequests} or --max-time ${o.maxTimeMs / 1000} s)`);
      const run = summarizeRun({ label: i.label, input: i.input, handler: spec, runtimeClient: launch.client }, driven.records, driven.wallMs, pool);
      if (!o.noModel) run.model = modelCheck(run, driven.records, o);
      if (o.records) run.records = driven.records.map((r) => ({ ...r, t: round(r.t), latencyMs: round(r.latencyMs) }));
      o.onProgress?.(`${i.label}: ${run.requests} requests, ${run.coldStarts} cold, goodput ${run.goodput}/s`);
      runs.push(run);
    } finally {
      await removeBase(base);
    }
  }
  const report: LoadReport = {
    kind: 'faaslight.load',
    version: 1,
    workload: w,
    idleTimeoutMs: o.idleTimeoutMs,
    maxConcurrency: o.maxConcurrency,
    event: event.label,
    seed,
    runs,
    notes,
    startedAt,
  };
  if (runs.length === 2) {
    const [a, b] = runs;
    const ratio = (x: number | null | undefined, y: number | null | undefined) => (x && y ? round(y / x, 4) : null);
    report.comparison = {
      goodputRatio: ratio(a.goodput, b.goodput) ?? 0,
      meanLatencyRatio: ratio(a.latency.all?.mean, b.latency.all?.mean),
      p99Ratio: ratio(a.latency.all?.p99, b.latency.all?.p99),
      coldMeanRatio: ratio(a.latency.cold?.mean, b.latency.cold?.mean),
    };
  }
  return report;
}

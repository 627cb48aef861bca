// `model`: what a cold start costs under load. For each arrival rate and each package (original and
// optimized), the steady-state prediction (and optionally the simulation and the cost), as one
// JSON document of kind 'faaslight.model' that the CLI prints and the HTML report plots.
import { costOf } from './cost.js';
import { DEFAULT_MAX_CONCURRENCY, steadyState } from './analytic.js';
import { simulate } from './simulate.js';
import type { ModelReport, ModelRow, Prediction, Prices, ServiceTimes, SideResult, SimulationOptions } from './types.js';

export * from './types.js';
export { erlangB, instanceLifetime, steadyState, validateInputs, DEFAULT_MAX_CONCURRENCY } from './analytic.js';
export { simulate, horizonFor } from './simulate.js';
export { costOf, DEFAULT_PRICES } from './cost.js';
export { findMeasureResults, serviceTimesFrom, serviceTimesOf } from './from.js';

export interface ModelRequest {
  arrivalRates: number[];
  idleTimeout: number;
  maxConcurrency?: number;
  /** One package (before) or two (before, after). */
  sides: ServiceTimes[];
  source: string;
  /** The app's name, for headings. */
  app?: string;
  prices?: Prices;
  /** Also run the simulation, with these options. */
  simulate?: SimulationOptions;
}

/** Geometric sweep: `points` rates from `from` to `to` inclusive. */
export function sweepRates(from: number, to: number, points: number): number[] {
  if (points === 1) return [from];
  const k = (to / from) ** (1 / (points - 1));
  return Array.from({ length: points }, (_, i) => Number((from * k ** i).toPrecision(6)));
}

function strip(p: Prediction & { states?: unknown; truncation?: unknown }): Prediction {
  const { states: _s, truncation: _t, ...rest } = p;
  return rest;
}

export function buildModelReport(req: ModelRequest): ModelReport {
  const maxConcurrency = req.maxConcurrency ?? DEFAULT_MAX_CONCURRENCY;
  const notes: string[] = [];
  const side = (s: ServiceTimes, arrivalRate: number): SideResult => {
    const inputs = { arrivalRate, warm: s.warm, cold: s.cold, idleTimeout: req.idleTimeout, maxConcurrency };
    const model = strip(steadyState(inputs));
    const r: SideResult = { ...model, avgResponseTimeS: model.meanResponseTime, avgInstances: model.meanInstances, service: s };
    if (req.simulate) r.simulation = simulate(inputs, req.simulate);
    if (req.prices) {
      r.cost = costOf(model, s, req.prices);
      r.costPerMillionUsd = r.cost.perMillion;
    }
    return r;
  };
  const rows: ModelRow[] = [...req.arrivalRates]
    .sort((a, b) => a - b)
    .map((rate) => {
      const row: ModelRow = { arrivalRate: rate, before: side(req.sides[0], rate) };
      if (req.sides[1]) row.after = side(req.sides[1], rate);
      return row;
    });
  notes.push(
    'steady-state model of Mahmoudi & Khazaei (pacsltk): Erlang-B with ρ = λ·warm per instance count, instance lifetimes from the idle timeout, birth–death chain over the instance count',
  );
  if (req.simulate)
    notes.push(
      'simulation: the model treats the first (cold) request of an instance as if it held the instance for the warm time, and instance lifetimes as starting at creation; the simulation does not, so it shows more instances and, when cold ≫ warm, more cold starts',
    );
  const secs = (s: ServiceTimes) => ({ warmS: s.warm, coldS: s.cold });
  return {
    kind: 'faaslight.model',
    version: 1,
    ...(req.app ? { app: req.app } : {}),
    idleTimeout: req.idleTimeout,
    maxConcurrency,
    source: req.source,
    inputs: { idleTimeoutS: req.idleTimeout, before: secs(req.sides[0]), ...(req.sides[1] ? { after: secs(req.sides[1]) } : {}) },
    sweep: rows,
    notes,
  };
}

const pct = (x: number) => (Number.isFinite(x) ? `${(x * 100).toPrecision(3)}%` : 'n/a');
const ms = (s: number) => (Number.isFinite(s) ? `${(s * 1000).toPrecision(4)} ms` : 'n/a');
const num = (x: number) => (Number.isFinite(x) ? x.toPrecision(4) : 'n/a');

function lines(label: string, r: SideResult): string[][] {
  const out: string[][] = [
    [`${label}: cold-start probability`, pct(r.coldProbability), r.simulation ? pct(r.simulation.coldProbability) : ''],
    [`${label}: mean response time`, ms(r.meanResponseTime), r.simulation ? ms(r.simulation.meanResponseTime) : ''],
    [`${label}: instances (mean)`, num(r.meanInstances), r.simulation ? num(r.simulation.meanInstances) : ''],
    [
      `${label}: running / idle (mean)`,
      `${num(r.meanRunning)} / ${num(r.meanIdle)}`,
      r.simulation ? `${num(r.simulation.meanRunning)} / ${num(r.simulation.meanIdle)}` : '',
    ],
    [`${label}: utilization`, pct(r.utilization), r.simulation ? pct(r.simulation.utilization) : ''],
  ];
  if (r.rejectionProbability > 0 || (r.simulation?.rejectionProbability ?? 0) > 0)
    out.push([`${label}: throttled`, pct(r.rejectionProbability), r.simulation ? pct(r.simulation.rejectionProbability) : '']);
  if (r.cost) out.push([`${label}: cost per million requests`, `$${r.cost.perMillion.toFixed(4)}`, '']);
  return out;
}

export function formatModelText(rep: ModelReport): string {
  const out: string[] = [];
  const first = rep.sweep[0];
  for (const s of [first.before, first.after].filter((x): x is SideResult => !!x))
    out.push(`${s.service.label}: warm ${ms(s.service.warm)}, cold ${ms(s.service.cold)} (${s.service.source})`);
  out.push(`idle timeout ${rep.idleTimeout} s, concurrency limit ${rep.maxConcurrency}`);
  const sim = !!first.before.simulation;
  for (const row of rep.sweep) {
    out.push('', `arrival rate ${row.arrivalRate}/s${sim ? ' (columns: model, simulation)' : ''}`);
    const table = [...lines(row.before.service.label, row.before), ...(row.after ? lines(row.after.service.label, row.after) : [])];
    const [w0, w1, w2] = [0, 1, 2].map((c) => Math.max(...table.map((l) => l[c].length)));
    for (const [k, a, b] of table) out.push(`  ${k.padEnd(w0)}  ${a.padStart(w1)}${sim ? `  ${b.padStart(w2)}` : ''}`);
  }
  out.push('', ...rep.notes.map((n) => `note: ${n}`));
  return `${out.join('\n')}\n`;
}

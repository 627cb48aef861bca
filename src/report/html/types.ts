// The input contract of `faaslight report`: every JSON file faaslight writes, told apart by its `kind`
// (or, for files written before `kind` existed, by its shape). Producers of batch / compare / invoke /
// model results write these shapes; docs/report.md explains each field with an example, and
// fixtures/report/*.json are valid instances the report test renders.
// Times are milliseconds unless the name says otherwise (…S = seconds, as the workload model takes them).
import type { MeasureResult, PackageSummary, Sample } from '../../measure/types.js';
import type { OptimizeSummary } from '../summary.js';
import type { Runtime } from '../../types.js';

export type ReportKind = 'faaslight.optimize' | 'faaslight.measure' | 'faaslight.batch' | 'faaslight.compare' | 'faaslight.invoke' | 'faaslight.model';

/** Medians (or single values) of the original (before) and the optimized package (after). */
export interface BeforeAfter {
  before: number | null;
  after: number | null;
}

/** One app of `faaslight batch` (results.json). An app that failed is a row with `error`. */
export interface BatchAppRow {
  app: string;
  runtime: Runtime;
  /** Set when the app failed (analysis, verification or measurement): the row is shown with it. */
  error?: string;
  files?: BeforeAfter;
  bytes?: BeforeAfter;
  zipBytes?: BeforeAfter;
  counts?: { eager: number; lazy: number; stubbed: number; stripped: number };
  analysisMs?: number;
  /** Medians of the local cold-start measurement. */
  initMs?: BeforeAfter;
  firstInvokeMs?: BeforeAfter;
  e2eMs?: BeforeAfter;
  peakRssKb?: BeforeAfter;
  /** after/before of the median end-to-end cold start, with its bootstrap interval when measured. */
  ratio?: number | null;
  interval?: { low: number; high: number; level: number };
  /** Outputs identical on every event (null: not verified). */
  identical?: boolean | null;
  fallbackLoads?: string[];
  /** Optional full results of the app: their samples, profiles and plan get their own sections. */
  measure?: MeasureResult;
  optimize?: OptimizeSummary;
}

export interface BatchResults {
  kind: 'faaslight.batch';
  version: 1;
  /** Measured cold starts per package and app. */
  runs?: number;
  apps: BatchAppRow[];
  summary?: { medianRatio?: number | null; geomeanRatio?: number | null; worstApp?: string | null; failed?: number };
  machine?: { cpus: number; node: string; platform: string };
  startedAt?: string;
}

/** One build of `faaslight compare`: original, plain esbuild bundle, faaslight lazy, faaslight --bundle. */
export interface CompareVariant {
  /** Stable id: 'original' | 'esbuild' | 'lazy' | 'bundle' (others are shown as given). */
  id: string;
  label: string;
  /** Set when the variant could not be built or measured. */
  error?: string;
  /** Outputs identical to the original on every event (null: not verified). */
  identical: boolean | null;
  package?: { files: number; bytes: number; zipBytes: number };
  summary: PackageSummary;
  /** The measured samples (warm-ups left out); only their times are read. */
  samples: Pick<Sample, 'run' | 'initMs' | 'e2eMs' | 'durationMs'>[];
}

export interface CompareResults {
  kind: 'faaslight.compare';
  version: 1;
  app: string;
  runtime?: Runtime;
  runs: number;
  variants: CompareVariant[];
  notes?: string[];
}

/** Cost of one invocation, from the platform's billed figures and the price inputs given. */
export interface InvokeCost {
  label: 'A' | 'B';
  coldUsd: number;
  warmUsd: number;
}

/** One memory size of `faaslight invoke`: the result of `faaslight measure --json`, run on the cloud. */
export type InvokeMeasurement = MeasureResult & { memoryMb: number; cost?: InvokeCost[] };

export interface InvokeResults {
  kind: 'faaslight.invoke';
  version: 1;
  provider: 'aws' | 'gcf';
  region?: string;
  /** One entry per memory size of the sweep (--memory 256,512,1024), in the measure format. */
  results: InvokeMeasurement[];
}

/** The workload model's prediction at one arrival rate (pacsltk's outputs). */
export interface ModelPoint {
  coldProbability: number;
  /** Mean response time in seconds. */
  avgResponseTimeS: number;
  avgInstances?: number;
  utilization?: number;
  costPerMillionUsd?: number;
}

export interface ModelResults {
  kind: 'faaslight.model';
  version: 1;
  app?: string;
  /** Model inputs, in seconds (as pacsltk takes them). */
  inputs: { idleTimeoutS: number; before: { warmS: number; coldS: number }; after: { warmS: number; coldS: number } };
  /** Requests per second, increasing. */
  sweep: { arrivalRate: number; before: ModelPoint; after: ModelPoint }[];
}

export type OptimizeInput = OptimizeSummary & { plan?: unknown };

/** A parsed input file with its kind. */
export type ReportInput =
  | { kind: 'faaslight.optimize'; source: string; data: OptimizeSummary }
  | { kind: 'faaslight.measure'; source: string; data: MeasureResult }
  | { kind: 'faaslight.batch'; source: string; data: BatchResults }
  | { kind: 'faaslight.compare'; source: string; data: CompareResults }
  | { kind: 'faaslight.invoke'; source: string; data: InvokeResults }
  | { kind: 'faaslight.model'; source: string; data: ModelResults };

// ---------------------------------------------------------------------------------------------
// What the page's script receives (embedded as JSON): only what the charts draw; tables are HTML.

/** Long names of short series ids ("A" → "A: app, the original"), shown in the legend. */
export type Legend = Record<string, string>;

export interface ChartBars {
  type: 'bars';
  id: string;
  /** Value axis label. */
  label: string;
  rows: { group: string; series: 'before' | 'after' | string; value: number }[];
  legend?: Legend;
}

/** A flame chart of the init-time import tree: one row per depth, children side by side under their parent. */
export interface ChartFlame {
  type: 'flame';
  id: string;
  label: string;
  /** One tree per package measured, drawn on the same time axis. */
  series: { name: string; totalMs: number; nodes: { id: string; package: string; depth: number; x1: number; x2: number; selfMs: number }[] }[];
  legend?: Legend;
}

export interface ChartDistribution {
  type: 'distribution';
  id: string;
  label: string;
  /** One sample list per series (A = original, B = optimized, or compare variants). */
  series: { name: string; values: number[] }[];
  legend?: Legend;
}

export interface ChartCurves {
  type: 'curves';
  id: string;
  x: string;
  y: string;
  logX?: boolean;
  percentY?: boolean;
  points: { series: string; x: number; y: number }[];
}

export type ChartSpec = ChartBars | ChartDistribution | ChartCurves | ChartFlame;

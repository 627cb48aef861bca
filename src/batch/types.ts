// The batch result format: one row per app, plain JSON, the same shape in results.json, in each
// <resultsDir>/<app>/result.json (the resume marker) and in what `batch merge` reads back.
import type { PackageStats } from '../types.js';
import type { RuntimeClientChoice } from '../measure/types.js';
import type { BatchAppRow } from '../report/html/types.js';

export const BATCH_RESULT_VERSION = 1;
/** Per-app result file: written last, so its presence means the app ran to the end. */
export const RESULT_FILE = 'result.json';

/** A before/after pair of medians and their ratio (after / before); null where a side has no value. */
export interface Pair {
  before: number | null;
  after: number | null;
  ratio: number | null;
}

export type RowStatus = 'ok' | 'differs' | 'error';
export type BatchPhase = 'load' | 'optimize' | 'verify' | 'measure';

export interface BatchRow {
  app: string;
  /** ok: outputs identical everywhere; differs: an output changed after optimization; error: the app did not run to the end. */
  status: RowStatus;
  error?: { phase: BatchPhase; message: string };
  runtime?: string;
  handler?: string;
  package?: { before: PackageStats; after: PackageStats };
  counts?: { eager: number; lazy: number; stubbed: number; stripped: number; kept: number };
  /** Load → plan, summed over the pipeline's analysis stages. */
  analysisMs?: number;
  /** Whole optimizeApp call (analysis, rewrite, package, verify). */
  optimizeMs?: number;
  /** Events verified (original vs optimized, fresh processes). */
  events?: string[];
  /** Original and optimized agreed on every verified event and every measured run; null when nothing compared. */
  identical: boolean | null;
  /** Events whose outputs differed (verify), plus "measure run N" entries. */
  differences?: string[];
  /** Comparison with the committed expected/<event>.json files, when the app has them. */
  expected?: { checked: number; optimizedMismatches: string[]; originalMismatches: string[] };
  /** Files restored from the fallback store while verifying (each a sign the analysis missed a use). */
  fallbackLoads: string[];
  cold?: {
    event: string;
    runs: number;
    handler: string;
    init: Pair;
    /** Lambda's "Duration" of the first (cold) invoke. */
    firstInvoke: Pair;
    e2e: Pair;
    peakRssKb: Pair;
    failedRuns: { before: number; after: number };
    /** Bootstrap interval of the end-to-end ratio, and whether it leaves out 1.0. */
    e2eInterval?: { low: number; high: number; level: number; significant: boolean };
  };
  notes: string[];
  startedAt: string;
  wallMs: number;
}

export interface Ratios {
  /** Apps with a value on both sides. */
  n: number;
  median: number | null;
  geomean: number | null;
}

export interface BatchSummary {
  apps: number;
  ok: number;
  differs: number;
  errors: number;
  init: Ratios;
  firstInvoke: Ratios;
  e2e: Ratios;
  peakRss: Ratios;
  zipBytes: Ratios;
  /** Highest end-to-end ratio (the app helped least, or hurt most). */
  worst: { app: string; e2eRatio: number } | null;
  /** Apps the corpus listing has that no result covers (merge of incomplete shards). */
  missing: string[];
}

export interface BatchOptionsRecord {
  runs: number;
  warmup: number;
  /** Merged folders measured with different --runs: the smallest and the largest (runs is the smallest). */
  runsRange?: [number, number];
  jobs: number;
  shard?: { index: number; count: number };
  only?: string[];
}

export interface BatchResults {
  /** `faaslight report results.json` reads this file (src/report/html/types.ts: kind, apps, summary …). */
  kind: 'faaslight.batch';
  version: typeof BATCH_RESULT_VERSION;
  createdAt: string;
  /** The corpus folder (absolute), or the merged folders. */
  source: string[];
  options: BatchOptionsRecord;
  /** The apps this run was meant to cover before --shard split them (the corpus, or its --only part): lets merge name what is missing. */
  corpus: string[];
  rows: BatchRow[];
  /** The rows in the report's flat shape (BatchAppRow). */
  apps: BatchAppRow[];
  runs: number;
  startedAt: string;
  summary: BatchSummary & { medianRatio: number | null; geomeanRatio: number | null; worstApp: string | null; failed: number };
  /** Things the reader should know (shards run with different --runs, duplicate rows on merge …). */
  notes: string[];
  machine: { cpus: number; node: string; platform: string };
}

/** <resultsDir>/<app>/result.json: the row, with the measurement settings it was made with. */
export interface AppResultFile {
  version: typeof BATCH_RESULT_VERSION;
  options: { runs: number; warmup: number };
  row: BatchRow;
}

export interface BatchOptions {
  /** Folder whose sub-folders are apps. */
  dir: string;
  /** Results folder: <out>/<app>/{opt, opt.zip, optimize.json, measure.json, result.json} and results.{json,csv,md}. */
  out: string;
  runs?: number;
  warmup?: number;
  /** Apps in flight at once (analysis and verification overlap; measurements never do). */
  jobs?: number;
  /** Re-run apps that already have a finished result. */
  force?: boolean;
  /** 1-based shard of the sorted app list. */
  shard?: { index: number; count: number };
  /** Restrict to these app names. */
  only?: string[];
  runtimeClient?: RuntimeClientChoice;
  python?: string;
  memoryMb?: number;
  onProgress?: (ev: BatchProgress) => void;
}

export type BatchProgress =
  | { type: 'start'; total: number; toRun: number; skipped: string[] }
  | { type: 'phase'; app: string; phase: BatchPhase }
  | { type: 'measure-run'; app: string; done: number; total: number }
  | { type: 'done'; app: string; row: BatchRow; skipped: boolean; finished: number; total: number };

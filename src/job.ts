// Type-only imports of the stage results each stage module defines; none of those modules imports this one.
import type { MeasureResult } from './measure/types.js';
import type { StubCandidate } from './lang/python/analyze/stubs.js';
import type { BundleResult } from './lang/js/bundle/index.js';
import { createJobIO, type JobIO } from './io/index.js';
import type { AppModel, Diagnostic, FileAnalysis, ModuleGraph, BindingSite, Plan, TraceResult, PackageResult, VerifyResult, Runtime } from './types.js';

/** Options of one optimize/analyze run, after defaults are applied. */
export interface JobOptions {
  /** App folder (or extracted zip). */
  input: string;
  /** Output folder; the zip is written next to it as `<out>.zip` unless zipPath is given. */
  out?: string;
  zipPath?: string;
  handlers?: string[];
  /** GCF --target for package.json-main apps. */
  target?: string;
  /** Event files for --trace. */
  traceEvents?: string[];
  /** Event files for --verify. */
  verifyEvents?: string[];
  /** Strip unreached files into the fallback store (default true). */
  strip?: boolean;
  /** Make init-unneeded imports lazy (default true). */
  lazy?: boolean;
  /** Target Node version for choosing lazy mechanisms (default from runtime id, else the running Node). */
  nodeVersion?: string;
  /**
   * Register ESM loader hooks so `import()` of a stripped file is restored too. Off by default: module.register()
   * starts a loader thread that costs ~40–100 ms on every ESM cold start, and static imports cannot be rescued anyway.
   */
  esmFallback?: boolean;
  /** After verifying, measure the cold start of the original vs the optimized package (fresh processes, interleaved). */
  measureRuns?: number;
  /** Event for the measurement (default: the first --verify event, else an empty object). */
  measureEvent?: string;
  /** Overrides the runtime the handler files imply ('nodejs' | 'python'). */
  runtime?: Runtime;
  /** Package a copy of what a symlink leaving the app points to (default: such a link is an error, FL007). */
  followExternalLinks?: boolean;
  /** Python: replace never-reached library functions by stubs (default true). */
  stubs?: boolean;
  /** Python: ship unchecked-hash .pyc byte code for the target interpreter (default false). */
  precompile?: boolean;
  /** Bundle what each handler and each lazy target loads with esbuild (src/lang/js/bundle). */
  bundle?: boolean;
  /** Minify the bundles (only with bundle). */
  minify?: boolean;
  /** V8 code cache for the CommonJS bundles, handlers and lazy roots (only with bundle; src/lang/js/bundle/code-cache.ts). */
  codeCache?: boolean;
  /**
   * Lambda memory size (MB) the function runs with: the V8 heap flags Lambda derives from it are used
   * for --measure and for making the code cache (which V8 accepts only under the same flags). Default 1024.
   */
  memoryMb?: number;
  /** Events the handlers run on before the code caches are written (default: verifyEvents). */
  codeCacheEvents?: string[];
}

/** The options after defaults: absolute paths, the output folder and zip named, strip and lazy set. */
export interface ResolvedOptions extends JobOptions {
  out: string;
  zipPath: string;
  strip: boolean;
  lazy: boolean;
}

/**
 * One job object carried through every stage (in the style of nft's Job): the options, the caches and the
 * diagnostics and timings every stage adds to. Each stage returns the job with its results as
 * non-optional fields: LoadedJob → AnalyzedJob → OptimizedJob.
 */
export interface Job {
  readonly options: ResolvedOptions;
  /** Per-file analysis cache: each file is read and parsed once. */
  readonly analyses: Map<string, FileAnalysis>;
  readonly diagnostics: Diagnostic[];
  /** Milliseconds per stage, in order. */
  readonly timings: { stage: string; ms: number }[];
}

/** After load: the app, and the accessors every later stage reads its files through. */
export interface LoadedJob extends Job {
  readonly app: AppModel;
  /** The run's reads and parses over the app's folder (src/io): each file read and parsed once. */
  readonly io: JobIO;
  /** Source text for analysis, read once; undefined (with FL008/FL009) when too large or not UTF-8. */
  readSource(rel: string): string | undefined;
  /** The file's text as it is on disk, for the rewrite (throws when it cannot be read). */
  readText(rel: string): string;
  /** Size in bytes, stat'ed once. */
  sizeOf(rel: string): number;
}

/** After analyze and plan (`analyzeApp`). */
export interface AnalyzedJob extends LoadedJob {
  readonly graph: ModuleGraph;
  /** Binding sites of the files analysed for laziness. */
  readonly sites: BindingSite[];
  readonly trace?: TraceResult;
  readonly plan: Plan;
  /** Python: never-reached functions replaced by stubs (after the transform, the ones really rewritten). */
  stubs?: StubCandidate[];
}

/** What optimize adds: the package, and the results of the optional stages. */
export interface OptimizeResults {
  packageResult: PackageResult;
  bundle?: BundleResult;
  verify?: VerifyResult;
  measure?: MeasureResult;
}

/** After transform, package, verify and measure (`optimizeApp`). */
export type OptimizedJob = AnalyzedJob & OptimizeResults;

/** What the reports read: an analysed job, with the optimize results when it was optimized. */
export type ReportedJob = AnalyzedJob & Partial<OptimizeResults>;

export function createJob(options: ResolvedOptions): Job {
  return { options, analyses: new Map(), diagnostics: [], timings: [] };
}

/** The job after load, with the run's io over the app's folder and the accessors that read through it. */
export function loadedJob(job: Job, app: AppModel): LoadedJob {
  // Tokens are kept only when the bundle stage needs them (they cost parse time).
  const io = createJobIO(app.root, { diagnostics: job.diagnostics, tokens: job.options.bundle === true });
  return {
    ...job,
    app,
    io,
    readSource: (rel) => io.readText(rel),
    readText: (rel) => io.readText(rel) ?? io.readBuffer(rel).toString('utf8'),
    sizeOf: (rel) => io.sizeOf(rel),
  };
}

/** Runs one stage, recording its duration. */
export async function stage<T>(job: Job, name: string, fn: () => Promise<T> | T): Promise<T> {
  const t0 = performance.now();
  try {
    return await fn();
  } finally {
    job.timings.push({ stage: name, ms: Math.round((performance.now() - t0) * 10) / 10 });
  }
}

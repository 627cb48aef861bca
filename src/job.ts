import type { LazyValue } from './lang/js/transform/index.js';
import type { MeasureResult } from './measure/types.js';
import type { StubCandidate } from './lang/python/analyze/stubs.js';
import type { BundleResult } from './lang/js/bundle/index.js';
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

/** One job object carried through every stage: options, caches and the growing results. */
export interface Job {
  options: JobOptions;
  app?: AppModel;
  /** Per-file analysis cache: each file is read and parsed once. */
  analyses: Map<string, FileAnalysis>;
  graph?: ModuleGraph;
  sites: BindingSite[];
  trace?: TraceResult;
  plan?: Plan;
  packageResult?: PackageResult;
  verify?: VerifyResult;
  measure?: MeasureResult;
  /** Python: never-reached functions replaced by stubs (after the transform, the ones really rewritten). */
  stubs?: StubCandidate[];
  bundle?: BundleResult;
  /** Module-scope values built at first use instead of at init (src/lang/js/transform). */
  lazyValues?: LazyValue[];
  diagnostics: Diagnostic[];
  /** Milliseconds per stage, in order. */
  timings: { stage: string; ms: number }[];
}

export function createJob(options: JobOptions): Job {
  return { options, analyses: new Map(), sites: [], diagnostics: [], timings: [] };
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

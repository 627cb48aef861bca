// The measurement result format. The batch runner, the HTML report and the cloud invokers consume
// the same shapes, so everything here is plain JSON (no Maps, no Dates, no functions) and general
// enough for a sample that came from a real cloud invoke instead of the local environment.
import type { Diagnostic, HandlerSpec, Runtime } from '../types.js';
import type { CpuLimit, RunError, RuntimeClientChoice, RuntimeClientKind } from '../sandbox/index.js';
import type { RatioInterval, Summary } from './stats.js';

export type Platform = 'aws' | 'gcf';
export type { CpuLimit, RunError, RunErrorKind, RuntimeClientChoice, RuntimeClientKind } from '../sandbox/types.js';

/** One fresh instance: unpack → spawn → init → cold invoke → warm invoke → kill. Times in ms. */
export interface Sample {
  /** 0-based index among the measured runs of this package; warm-up runs have run = -1. */
  run: number;
  /** Spawn → first GET /next (Lambda's "Init Duration"); GCF: spawn → listening. */
  initMs: number | null;
  /** Event handed out → response posted (Lambda's "Duration"). */
  durationMs: number | null;
  /** Spawn → response posted: what a caller waits for, minus the unpack. */
  e2eMs: number | null;
  /** Zip extraction or folder copy into a fresh task root. */
  unpackMs: number | null;
  /** Duration of a second invoke on the same instance. */
  warmMs: number | null;
  /** Sum of the peak resident set sizes (VmHWM) of the process tree, in KiB; null where /proc is missing. */
  peakRssKb: number | null;
  /** Parsed response of the cold invoke (or the error object the runtime posted). */
  output: unknown;
  error?: RunError;
  runtimeClient?: RuntimeClientKind;
  /** Wall-clock start (ms since the epoch), to line samples up with the machine's other activity. */
  startedAt?: number;
  /** Cloud runs only (`faaslight invoke`): what the platform reported and what the client saw. */
  cloud?: CloudSample;
}

/** Per-sample figures of a cloud invoke: the REPORT line on AWS, client-side timings everywhere. */
export interface CloudSample {
  /** Memory size the function ran with (REPORT "Memory Size", or the deployed setting). */
  memorySizeMb: number;
  /** REPORT "Max Memory Used" (AWS). */
  maxMemoryUsedMb?: number;
  /** REPORT "Billed Duration" of the cold invoke, init included (added when the REPORT left it out). */
  billedMs?: number;
  warmBilledMs?: number;
  /** Client-side latency of the cold and the warm call (request sent → response read), network included. */
  clientMs: number | null;
  warmClientMs?: number | null;
  /** Cost of this cold / warm invocation in USD per million invocations, from the price options. */
  coldCostPerMillionUsd?: number;
  warmCostPerMillionUsd?: number;
  /** Request id of the cold invoke, to find it in the platform's logs. */
  requestId?: string;
}

export interface PackageSummary {
  ok: number;
  failed: number;
  initMs: Summary | null;
  durationMs: Summary | null;
  e2eMs: Summary | null;
  unpackMs: Summary | null;
  warmMs: Summary | null;
  peakRssKb: Summary | null;
  /** Cloud runs only: client-side latencies and cost per million invocations. */
  clientMs?: Summary | null;
  warmClientMs?: Summary | null;
  coldCostPerMillionUsd?: Summary | null;
  warmCostPerMillionUsd?: Summary | null;
}

/** One node of the init-time import tree. */
export interface ProfileNode {
  /** Resolved file (relative to the task root when inside it), "node:fs" for built-ins, the module name for Python. */
  id: string;
  package: string;
  inclusiveMs: number;
  selfMs: number;
  children: ProfileNode[];
}

export interface ProfileEntry {
  package: string;
  /** Time to load the package, including what it loads from other packages (outermost loads only). */
  inclusiveMs: number;
  /** Time spent in the package's own files. */
  selfMs: number;
  modules: number;
}

export interface Profile {
  tool: 'require-hook' | 'python-importtime';
  /** Total init time attributed to module loading. */
  totalMs: number;
  /** Top costs by package, largest inclusive first. */
  top: ProfileEntry[];
  tree: ProfileNode[];
  /** Modules loaded lazily during the first invoke (not part of init). */
  loadedDuringInvoke: string[];
  notes: string[];
  error?: RunError;
}

export interface PackageMeasurement {
  label: 'A' | 'B';
  /** The package (folder or zip) as given. */
  input: string;
  handler: HandlerSpec;
  runtimeClient: RuntimeClientKind | null;
  warmup: Sample[];
  samples: Sample[];
  summary: PackageSummary;
  profile?: Profile;
}

export interface Comparison {
  metric: 'e2eMs';
  /** B/A ratio of the medians with its bootstrap interval. */
  interval: RatioInterval;
  /** Whether the interval leaves out 1.0 (a real difference at this level). */
  significant: boolean;
  verdict: string;
}

export interface MeasureResult {
  /** Lets `faaslight report` (and other readers) tell this file from the other results. */
  kind: 'faaslight.measure';
  version: 1;
  platform: Platform;
  runtime: Runtime;
  event: string;
  runs: number;
  warmupRuns: number;
  memoryMb?: number;
  timeoutMs: number;
  initTimeoutMs: number;
  cpu: CpuLimit;
  packages: PackageMeasurement[];
  comparison?: Comparison;
  /** True when A and B answered identically on every run (errors included: an error is an output);
   * null with one package, or when no run could compare (unpack or spawn failures). */
  identicalOutputs: boolean | null;
  /** Runs whose A and B outputs differed, by run index. */
  outputDifferences: number[];
  /** Honest notes about the environment ("memory limit not enforced: …"). */
  notes: string[];
  diagnostics: Diagnostic[];
  machine: { cpus: number; node: string; platform: string; python?: string };
  startedAt: string;
  wallMs: number;
  /** Set by `faaslight invoke`: where the functions ran. Absent for local measurements. */
  cloud?: CloudRun;
}

export interface CloudRun {
  provider: Platform;
  /** AWS region or GCP location. */
  region: string;
  /** Overridden API endpoint (a local Lambda API), when not the provider's own. */
  endpoint?: string;
  /** GCP project. */
  project?: string;
  /** Deployed function name per package label. */
  functions: Record<'A' | 'B', string>;
  /** The deployed runtime id (nodejs20.x, python3.12, nodejs20 …) and architecture. */
  runtimeId: string;
  architecture?: string;
  /** Price inputs the costs were computed from (USD). */
  pricing?: { gbSecondUsd: number; requestUsd: number; source: string };
  /** Forced cold invokes whose REPORT had no Init Duration (an instance was reused): left out. */
  droppedCold: number;
  /** Warm invokes that landed on a new instance (Init Duration present): left out. */
  droppedWarm: number;
  /** Requests retried after throttling (429). */
  throttleRetries: number;
  /** Whether the functions were deleted afterwards (false with --keep). */
  cleanedUp: boolean;
}

export type ProgressEvent =
  | { type: 'start'; total: number }
  | { type: 'run'; label: 'A' | 'B'; run: number; warmup: boolean; sample: Sample; done: number; total: number }
  | { type: 'profile'; label: 'A' | 'B' };

export interface MeasureOptions {
  /** Package folder or .zip. */
  input: string;
  /** Second package to compare against (B). */
  vs?: string;
  /**
   * The handler A runs, resolved once by the caller: the app loader's spec (optimize, batch), or
   * resolveMeasureHandlers for a bare package and handler string (the `measure` command).
   */
  handler: HandlerSpec;
  /** The handler B runs, when it is not `handler`. */
  vsHandler?: HandlerSpec;
  /** Path of the event JSON file (default: an empty object). */
  event?: string;
  runs?: number;
  /** Warm-up pairs run before the measured runs and left out of the statistics (default 1). */
  warmup?: number;
  platform?: Platform;
  memoryMb?: number;
  /** Per-invoke timeout (default 30 s). */
  timeoutMs?: number;
  /** Runtime must call /next (or listen) within this (default 10 s, Lambda's init limit). */
  initTimeoutMs?: number;
  runtimeClient?: RuntimeClientChoice;
  /** Python interpreter (run with -S; default DEFAULT_PYTHON of src/sandbox/python.ts). */
  python?: string;
  profile?: boolean;
  seed?: number;
  /** Extra environment variables for the function (the user's shell is never inherited). */
  env?: Record<string, string>;
  onProgress?: (ev: ProgressEvent) => void;
}

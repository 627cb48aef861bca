// Shapes of a load run: what one invoke produced inside the pool, what the client saw per request,
// and the JSON document (kind 'faaslight.load') printed by the CLI. Plain JSON only; times in ms
// except the model inputs, which are in seconds as the model takes them.
import type { HandlerSpec } from '../types.js';
import type { Prediction } from '../model/types.js';

export type InvokeKind = 'ok' | 'handler-error' | 'throttled' | 'init-error' | 'init-timeout' | 'timeout' | 'crash';
/** What the client can see on top: a failed connection to the Invoke API. */
export type RequestKind = InvokeKind | 'connection';

export interface InvokeOutcome {
  kind: InvokeKind;
  cold: boolean;
  instance?: number;
  body: string;
  /** Warm: event handed out → response posted; cold: spawn → response posted. */
  serviceMs?: number;
  /** Cold: spawn → first GET /next. */
  initMs?: number;
}

export interface TimelinePoint {
  /** ms since the pool started. */
  t: number;
  instances: number;
  busy: number;
}

export interface RequestRecord {
  /** ms since the workload started, when the request was sent. */
  t: number;
  latencyMs: number;
  status: number;
  kind: RequestKind;
  cold: boolean;
  instance?: number;
  serviceMs?: number;
  initMs?: number;
}

export type Workload = { kind: 'closed'; users: number; loops: number; rampUpMs: number } | { kind: 'open'; rate: number; durationMs: number };

export interface LatencySummary {
  n: number;
  mean: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

export interface ModelCheck {
  /** Model inputs, seconds: the run's arrival rate and its own measured service times. */
  inputs: { arrivalRate: number; warm: number; cold: number; idleTimeout: number; maxConcurrency: number };
  /** Steady state (pacsltk model). */
  predicted: Prediction;
  /** Simulation over the run's own duration from an empty pool (mean of many seeded replications):
   * the first requests of a short run are cold whatever the steady state says. */
  simulatedRun: { coldProbability: number; meanResponseTime: number; replications: number };
  measured: { coldFraction: number; meanLatency: number; rejectionFraction: number };
  notes: string[];
}

export interface LoadRun {
  label: 'A' | 'B';
  input: string;
  handler: HandlerSpec;
  runtimeClient: string;
  wallMs: number;
  requests: number;
  /** Responses per second (any outcome but a failed connection). */
  throughput: number;
  /** Successful responses per second. */
  goodput: number;
  errors: Partial<Record<RequestKind, number>>;
  /** Client-side latency of successful requests: all, warm, cold. */
  latency: { all: LatencySummary | null; warm: LatencySummary | null; cold: LatencySummary | null };
  coldStarts: number;
  coldFraction: number;
  expired: number;
  maxInstances: number;
  /** Instance and busy counts at every change. */
  instancesOverTime: TimelinePoint[];
  /** Server-side means of this run, ms. */
  service: { warmMs: number | null; coldMs: number | null; initMs: number | null };
  model?: ModelCheck;
  /** Every request, in the order sent (only with --records). */
  records?: RequestRecord[];
}

export interface LoadReport {
  kind: 'faaslight.load';
  version: 1;
  workload: Workload;
  idleTimeoutMs: number;
  maxConcurrency: number;
  event: string;
  seed: number;
  runs: LoadRun[];
  /** B vs A, when two packages ran. */
  comparison?: { goodputRatio: number; meanLatencyRatio: number | null; p99Ratio: number | null; coldMeanRatio: number | null };
  notes: string[];
  startedAt: string;
}

export interface LoadOptions {
  input: string;
  vs?: string;
  handler?: string;
  event?: string;
  workload: Workload;
  idleTimeoutMs: number;
  maxConcurrency: number;
  timeoutMs?: number;
  initTimeoutMs?: number;
  /** Hard bounds: no more requests than this, and no longer than this (then in-flight requests are awaited and everything stops). */
  maxRequests: number;
  maxTimeMs: number;
  seed?: number;
  runtimeClient?: 'auto' | 'ric' | 'builtin';
  python?: string;
  memoryMb?: number;
  env?: Record<string, string>;
  records?: boolean;
  /** Skip the model comparison (and its simulation). */
  noModel?: boolean;
  onProgress?: (line: string) => void;
}

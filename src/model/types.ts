// Shapes of the workload model: the inputs pacsltk takes (rates per second, times in seconds), the
// steady-state prediction, the simulation's estimate of the same quantities, and the JSON document
// (kind 'faaslight.model') that the CLI prints and the HTML report plots. Plain JSON only.

export interface ModelInputs {
  /** Requests per second (Poisson). */
  arrivalRate: number;
  /** Mean service time of a request on a warm instance, seconds. */
  warm: number;
  /** Mean service time of a request that starts a new instance (init + invoke), seconds. */
  cold: number;
  /** Idle time after which an instance is removed, seconds. */
  idleTimeout: number;
  /** Most instances at once; a request finding all of them busy is rejected (throttled). */
  maxConcurrency?: number;
}

/** The quantities both the analytical model and the simulation produce. */
export interface Prediction {
  /** Fraction of requests that start a new instance. */
  coldProbability: number;
  /** Fraction of requests rejected because every allowed instance is busy. */
  rejectionProbability: number;
  /** Mean response time of accepted requests, seconds. */
  meanResponseTime: number;
  /** Time-average number of instances (busy or idle). */
  meanInstances: number;
  /** Time-average number of instances serving a request (warm or cold). */
  meanRunning: number;
  /** Time-average number of instances serving a warm request. */
  meanRunningWarm: number;
  /** meanInstances − meanRunningWarm, as pacsltk defines it. */
  meanIdle: number;
  /** meanRunningWarm / meanInstances. */
  utilization: number;
}

export interface SteadyState extends Prediction {
  /** The states of the birth–death chain that were kept (instance counts), with their probability. */
  states: { instances: number; probability: number }[];
  /** Why the chain stops where it does. */
  truncation: string;
}

export interface SimulationOptions {
  /** Simulated seconds (after the warm-up). */
  horizon?: number;
  /** Simulated seconds discarded at the start (steady state); 0 measures from an empty pool. */
  warmup?: number;
  seed?: number;
  /** Service time distribution: exponential as in pacsltk's simulator, or fixed at the mean. */
  service?: 'exponential' | 'deterministic';
  /** Which idle instance takes a request: the oldest (a fixed order, as the model's Erlang-B
   * overflow assumes) or the newest (as pacsltk's simulator does). */
  routing?: 'oldest' | 'newest';
  /** Independent runs averaged together (request-weighted). */
  replications?: number;
  /** Hard bound on simulated arrivals per replication, so no input can run away. */
  maxArrivals?: number;
}

export interface SimulationResult extends Prediction {
  requests: number;
  coldStarts: number;
  rejections: number;
  /** Simulated seconds over which the time averages were taken (all replications). */
  simulatedSeconds: number;
  options: Required<SimulationOptions>;
}

export interface Prices {
  /** USD per GB-second of billed duration. */
  gbSecond: number;
  /** USD per request. */
  request: number;
  memoryMb: number;
  /** Whether the init phase of a cold start is billed (AWS bills it for on-demand functions since Aug 2025). */
  initBilled: boolean;
}

export interface Cost {
  /** USD per million requests. */
  perMillion: number;
  /** Mean billed seconds per request. */
  billedSeconds: number;
  prices: Prices;
}

/** Service times of one package, where they came from. */
export interface ServiceTimes {
  label: string;
  input?: string;
  warm: number;
  cold: number;
  /** Init part of the cold time, seconds (billed only when init is billed). */
  init: number;
  source: string;
}

/** One package at one arrival rate: the model's prediction (flat, so a plot reads
 * row.before.coldProbability), the inputs it came from, and optionally the simulation and the cost. */
export interface SideResult extends Prediction {
  service: ServiceTimes;
  simulation?: SimulationResult;
  cost?: Cost;
  /** Names the HTML report reads (src/report/html ModelPoint): meanResponseTime, meanInstances and
   * cost.perMillion again. */
  avgResponseTimeS: number;
  avgInstances: number;
  costPerMillionUsd?: number;
}

export interface ModelRow {
  arrivalRate: number;
  /** Original package (or the only one). */
  before: SideResult;
  /** Optimized package, with --from on an A/B measurement. */
  after?: SideResult;
}

export interface ModelReport {
  kind: 'faaslight.model';
  version: 1;
  /** The app measured (with --from), for the report's headings. */
  app?: string;
  /** Seconds; null in JSON when instances never expire (Infinity). */
  idleTimeout: number;
  maxConcurrency: number;
  /** Where the service times came from (a file, or the command line). */
  source: string;
  /** The inputs in seconds, as the HTML report reads them. */
  inputs: { idleTimeoutS: number; before: { warmS: number; coldS: number }; after?: { warmS: number; coldS: number } };
  /** One row per arrival rate, increasing. */
  sweep: ModelRow[];
  notes: string[];
}

// The steady-state model of Mahmoudi & Khazaei ("Performance Modeling of Serverless Computing
// Platforms", IEEE TCC; the pacsltk toolkit), written from its description:
//   - with m instances, a request is cold when all m are busy: an M/G/m/m loss system, so the cold
//     probability in state m is Erlang-B(ρ = λ·W, m) (insensitive to the service distribution);
//   - instance k (in order of preference) sees the requests the first k−1 refused and it accepted,
//     λ_k = λ·(B(k−1) − B(k)), and dies after a gap longer than the idle timeout τ; its mean lifetime
//     is τ plus the (geometric) number of shorter gaps times their mean length;
//   - the instance count is a birth–death chain: births at λ·B(m) (cold starts), deaths at the sum of
//     the first m instances' death rates; its stationary distribution weights the per-state metrics.
// The chain is solved in product form (π_{m+1}/π_m = birth_m / death_{m+1}) in log space, which is
// exact for a birth–death chain and cannot overflow; pacsltk solves the same chain as a linear system.
import type { ModelInputs, SteadyState } from './types.js';

export const DEFAULT_MAX_CONCURRENCY = 1000;
/** States whose weight falls below this fraction of the largest one are dropped (beyond the mode). */
const TAIL = 1e-15;

/** Erlang-B blocking probability of an M/G/m/m system with offered load ρ, by the stable recurrence. */
export function erlangB(rho: number, m: number): number {
  let b = 1;
  for (let k = 1; k <= m; k++) b = (rho * b) / (k + rho * b);
  return b;
}

/**
 * Mean lifetime of an instance that receives requests at rate `rate` and is removed after `idle`
 * seconds without one. The number of gaps shorter than the timeout is geometric with mean
 * e^{rate·idle} − 1; each contributes, as in pacsltk, the partial mean of an exponential gap over
 * [0, idle + warm]. An instance that receives nothing lives exactly `idle` after its cold request.
 */
export function instanceLifetime(rate: number, idle: number, warm: number): number {
  if (!(rate > 0)) return idle;
  const span = idle + warm;
  const partialMeanGap = (1 - Math.exp(-rate * span)) / rate - span * Math.exp(-rate * span);
  const shortGaps = Math.expm1(rate * idle);
  // e^{rate·idle} overflows for busy instances: they (practically) never die.
  if (!Number.isFinite(shortGaps)) return Infinity;
  return idle + shortGaps * partialMeanGap;
}

export function validateInputs(i: ModelInputs): string | undefined {
  const pos = (v: number) => Number.isFinite(v) && v > 0;
  if (!pos(i.arrivalRate)) return `arrival rate must be a positive number, got ${i.arrivalRate}`;
  if (!pos(i.warm)) return `warm service time must be a positive number of seconds, got ${i.warm}`;
  if (!pos(i.cold)) return `cold service time must be a positive number of seconds, got ${i.cold}`;
  if (!(i.idleTimeout > 0)) return `idle timeout must be a positive number of seconds (Infinity allowed), got ${i.idleTimeout}`;
  if (i.maxConcurrency !== undefined && !(Number.isInteger(i.maxConcurrency) && i.maxConcurrency >= 1))
    return `maximum concurrency must be a positive integer, got ${i.maxConcurrency}`;
  return undefined;
}

interface StateRow {
  m: number;
  birth: number;
  death: number;
  cold: number;
  reject: number;
  resp: number;
  running: number;
  runningWarm: number;
}

export function steadyState(inputs: ModelInputs): SteadyState {
  const bad = validateInputs(inputs);
  if (bad) throw new RangeError(bad);
  const { arrivalRate: lambda, warm: W, cold: C, idleTimeout: tau } = inputs;
  const maxM = inputs.maxConcurrency ?? DEFAULT_MAX_CONCURRENCY;
  const rho = lambda * W;

  // State 0: every request is cold and starts an instance.
  const rows: StateRow[] = [{ m: 0, birth: lambda, death: 0, cold: 1, reject: 0, resp: C, running: lambda * C, runningWarm: 0 }];
  const logW: number[] = [0];
  let first = 0; // states below `first` cannot be reached again (no way down into them)
  let peak = 0;
  let truncation = '';
  let bPrev = 1;
  let death = 0;
  for (let m = 1; ; m++) {
    const b = (rho * bPrev) / (m + rho * bPrev);
    death += 1 / instanceLifetime(lambda * (bPrev - b), tau, W);
    bPrev = b;
    const atLimit = m === maxM;
    // At the concurrency limit a request finding every instance busy is rejected instead of cold.
    const row: StateRow = {
      m,
      birth: atLimit ? 0 : lambda * b,
      death,
      cold: atLimit ? 0 : b,
      reject: atLimit ? b : 0,
      resp: atLimit ? W : b * C + (1 - b) * W,
      running: lambda * (1 - b) * W + (atLimit ? 0 : lambda * b * C),
      runningWarm: lambda * (1 - b) * W,
    };
    rows.push(row);
    const prev = rows[m - 1];
    if (death === 0) {
      // Nothing has died yet at this count: the chain never comes back down here, so the lower
      // states carry no stationary mass; restart the product from this state.
      first = m;
      peak = m;
      logW.push(0);
    } else {
      logW.push(logW[m - 1] + Math.log(prev.birth) - Math.log(death));
      if (logW[m] > logW[peak]) peak = m;
    }
    if (atLimit) {
      truncation = `concurrency limit ${maxM} reached`;
      break;
    }
    if (row.birth === 0) {
      truncation = `no further cold starts representable beyond ${m} instances (Erlang-B underflows)`;
      break;
    }
    if (m > peak && row.birth < death && logW[m] - logW[peak] < Math.log(TAIL)) {
      truncation = `states beyond ${m} instances weigh less than ${TAIL} of the most likely one`;
      break;
    }
  }

  const top = Math.max(...logW.slice(first));
  const weights = rows.map((_, m) => (m < first ? 0 : Math.exp(logW[m] - top)));
  const total = weights.reduce((s, w) => s + w, 0);
  const pi = weights.map((w) => w / total);
  const avg = (f: (r: StateRow) => number) => rows.reduce((s, r, m) => s + pi[m] * f(r), 0);

  const meanInstances = avg((r) => r.m);
  const meanRunningWarm = avg((r) => r.runningWarm);
  const rejectionProbability = avg((r) => r.reject);
  // Response time over accepted requests: each state's mean weighted by the requests it accepts.
  const accepted = 1 - rejectionProbability;
  return {
    coldProbability: avg((r) => r.cold),
    rejectionProbability,
    meanResponseTime: accepted > 0 ? avg((r) => r.resp * (1 - r.reject)) / accepted : NaN,
    meanInstances,
    meanRunning: avg((r) => r.running),
    meanRunningWarm,
    meanIdle: meanInstances - meanRunningWarm,
    utilization: meanInstances > 0 ? meanRunningWarm / meanInstances : 0,
    states: rows.map((r, m) => ({ instances: r.m, probability: pi[m] })).filter((s) => s.probability > 0),
    truncation,
  };
}

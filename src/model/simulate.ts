// Discrete-event simulation of the system the model describes, to cross-check it: Poisson arrivals;
// a request goes to an idle instance (the oldest by default, the fixed order the model's Erlang-B
// overflow assumes; the newest with routing 'newest', as pacsltk's own simulator does) or starts a
// new instance (a cold start, served in the cold time); an instance idle for the idle timeout is
// removed; with every allowed instance busy the request is rejected. Seeded, so a result can be
// reproduced; bounded in arrivals, so no input can run away.
import { seededRandom } from '../measure/stats.js';
import { DEFAULT_MAX_CONCURRENCY, validateInputs } from './analytic.js';
import type { ModelInputs, SimulationOptions, SimulationResult } from './types.js';

export const DEFAULT_SIMULATION: Required<SimulationOptions> = {
  horizon: 0, // 0: chosen from the inputs (see horizonFor)
  warmup: -1, // -1: chosen from the inputs
  seed: 1,
  service: 'exponential',
  replications: 1,
  routing: 'oldest',
  maxArrivals: 2_000_000,
};

/** Long enough for ~200k arrivals and many instance lifetimes; at most a simulated day. */
export function horizonFor(i: ModelInputs): number {
  return Math.min(86_400, Math.max(200_000 / i.arrivalRate, 200 * (i.idleTimeout + i.cold)));
}

interface Inst {
  id: number;
  busy: boolean;
  coldBusy: boolean;
  /** Bumped on every state change, so stale expiry events are recognised. */
  version: number;
  alive: boolean;
}

type Ev = { t: number; kind: 0 | 1; inst: Inst; version: number }; // 0 = service done, 1 = idle expiry

/** Binary min-heap on time (arrivals are drawn one at a time and need no queue). */
class Heap<T extends { t: number }> {
  private a: T[] = [];
  get size(): number {
    return this.a.length;
  }
  peek(): T | undefined {
    return this.a[0];
  }
  push(x: T): void {
    const a = this.a;
    a.push(x);
    for (let i = a.length - 1; i > 0; ) {
      const p = (i - 1) >> 1;
      if (a[p].t <= a[i].t) break;
      [a[p], a[i]] = [a[i], a[p]];
      i = p;
    }
  }
  /** Drops the entries that fail `keep` (stale ones), keeping the heap order. */
  retain(keep: (x: T) => boolean): void {
    const kept = this.a.filter(keep);
    this.a = [];
    for (const x of kept) this.push(x);
  }
  pop(): T | undefined {
    const a = this.a;
    const top = a[0];
    const last = a.pop();
    if (a.length && last) {
      a[0] = last;
      for (let i = 0; ; ) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && a[l].t < a[m].t) m = l;
        if (r < a.length && a[r].t < a[m].t) m = r;
        if (m === i) break;
        [a[m], a[i]] = [a[i], a[m]];
        i = m;
      }
    }
    return top;
  }
}

interface Tally {
  requests: number;
  cold: number;
  rejected: number;
  respSum: number;
  instSec: number;
  runSec: number;
  warmSec: number;
  seconds: number;
}

function replicate(inputs: ModelInputs, o: Required<SimulationOptions>, seed: number, horizon: number, warmup: number): Tally {
  const rand = seededRandom(seed);
  const exp = (mean: number) => -mean * Math.log(1 - rand());
  const service = (mean: number) => (o.service === 'deterministic' ? mean : exp(mean));
  const maxC = inputs.maxConcurrency ?? DEFAULT_MAX_CONCURRENCY;
  const end = warmup + horizon;
  const events = new Heap<Ev>();
  // Idle instances by routing priority; entries go stale when the instance expires or is reused.
  const idle = new Heap<{ t: number; inst: Inst; version: number }>();
  const priority = (i: Inst) => (o.routing === 'newest' ? -i.id : i.id);
  let nextId = 0;
  let instances = 0;
  let running = 0;
  let runningCold = 0;
  let now = 0;
  const tally: Tally = { requests: 0, cold: 0, rejected: 0, respSum: 0, instSec: 0, runSec: 0, warmSec: 0, seconds: 0 };

  const advance = (t: number) => {
    // Time averages only after the warm-up.
    const from = Math.max(now, warmup);
    if (t > from) {
      const dt = t - from;
      tally.instSec += instances * dt;
      tally.runSec += running * dt;
      tally.warmSec += (running - runningCold) * dt;
      tally.seconds += dt;
    }
    now = t;
  };

  let nextArrival = exp(1 / inputs.arrivalRate);
  let arrivals = 0;
  for (;;) {
    const ev = events.peek();
    if (ev && ev.t <= nextArrival) {
      if (ev.t > end) break;
      events.pop();
      advance(ev.t);
      const inst = ev.inst;
      if (ev.kind === 0) {
        inst.busy = false;
        running--;
        if (inst.coldBusy) runningCold--;
        inst.coldBusy = false;
        inst.version++;
        idle.push({ t: priority(inst), inst, version: inst.version });
        if (idle.size > 4 * instances + 64) idle.retain((e) => e.inst.alive && e.version === e.inst.version);
        events.push({ t: now + inputs.idleTimeout, kind: 1, inst, version: inst.version });
      } else if (inst.alive && !inst.busy && inst.version === ev.version) {
        inst.alive = false;
        instances--;
      }
      continue;
    }
    if (nextArrival > end || arrivals >= o.maxArrivals) {
      advance(Math.min(end, nextArrival));
      break;
    }
    advance(nextArrival);
    arrivals++;
    const counted = now >= warmup;
    if (counted) tally.requests++;
    let inst: Inst | undefined;
    for (let e = idle.pop(); e; e = idle.pop()) {
      if (e.inst.alive && e.version === e.inst.version) {
        inst = e.inst;
        break;
      }
    }
    if (inst) {
      inst.busy = true;
      inst.version++;
      running++;
      const s = service(inputs.warm);
      if (counted) tally.respSum += s;
      events.push({ t: now + s, kind: 0, inst, version: inst.version });
    } else if (running >= maxC) {
      if (counted) tally.rejected++;
    } else {
      inst = { id: nextId++, busy: true, coldBusy: true, version: 0, alive: true };
      instances++;
      running++;
      runningCold++;
      const s = service(inputs.cold);
      if (counted) {
        tally.cold++;
        tally.respSum += s;
      }
      events.push({ t: now + s, kind: 0, inst, version: 0 });
    }
    nextArrival = now + exp(1 / inputs.arrivalRate);
  }
  return tally;
}

export function simulate(inputs: ModelInputs, options: SimulationOptions = {}): SimulationResult {
  const bad = validateInputs(inputs);
  if (bad) throw new RangeError(bad);
  const o: Required<SimulationOptions> = { ...DEFAULT_SIMULATION, ...options };
  const horizon = o.horizon > 0 ? o.horizon : horizonFor(inputs);
  // Discard the fill-up from an empty pool: a few instance lifetimes.
  const warmup = o.warmup >= 0 ? o.warmup : Math.min(horizon / 10, 10 * (inputs.idleTimeout + inputs.cold));
  const sum: Tally = { requests: 0, cold: 0, rejected: 0, respSum: 0, instSec: 0, runSec: 0, warmSec: 0, seconds: 0 };
  for (let r = 0; r < o.replications; r++) {
    const t = replicate(inputs, o, (o.seed + r * 0x9e3779b1) >>> 0, horizon, warmup);
    for (const k of Object.keys(sum) as (keyof Tally)[]) sum[k] += t[k];
  }
  const accepted = sum.requests - sum.rejected;
  const secs = sum.seconds || NaN;
  const meanInstances = sum.instSec / secs;
  const meanRunningWarm = sum.warmSec / secs;
  return {
    coldProbability: sum.requests ? sum.cold / sum.requests : NaN,
    rejectionProbability: sum.requests ? sum.rejected / sum.requests : NaN,
    meanResponseTime: accepted ? sum.respSum / accepted : NaN,
    meanInstances,
    meanRunning: sum.runSec / secs,
    meanRunningWarm,
    meanIdle: meanInstances - meanRunningWarm,
    utilization: meanInstances > 0 ? meanRunningWarm / meanInstances : 0,
    requests: sum.requests,
    coldStarts: sum.cold,
    rejections: sum.rejected,
    simulatedSeconds: sum.seconds,
    options: { ...o, horizon, warmup },
  };
}

// The steady-state model against values computed by hand, against pacsltk's own implementation, and
// in its limits.
import { describe, expect, test } from 'vitest';
import { erlangB, instanceLifetime, steadyState } from '../../src/model/analytic.js';
import { costOf } from '../../src/model/cost.js';

const close = (got: number, want: number, rel: number) => expect(Math.abs(got - want)).toBeLessThanOrEqual(rel * Math.abs(want) + 1e-15);

describe('Erlang-B', () => {
  // B(ρ, m) = (ρ^m / m!) / Σ_{k≤m} ρ^k / k!
  test.each([
    { rho: 1, m: 0, want: 1 },
    { rho: 1, m: 1, want: 1 / 2 },
    { rho: 0.5, m: 1, want: 1 / 3 },
    { rho: 2, m: 2, want: 2 / (1 + 2 + 2) },
    { rho: 3, m: 3, want: 4.5 / (1 + 3 + 4.5 + 4.5) },
    { rho: 10, m: 1, want: 10 / 11 },
  ])('B($rho, $m) = $want', ({ rho, m, want }) => close(erlangB(rho, m), want, 1e-12));

  test('underflows to 0 far beyond the load instead of overflowing', () => {
    expect(erlangB(1, 400)).toBe(0);
    expect(erlangB(200, 400)).toBeGreaterThan(0);
  });
});

describe('instance lifetime', () => {
  test('an instance that receives nothing lives exactly the idle timeout', () => {
    expect(instanceLifetime(0, 7, 0.1)).toBe(7);
  });
  test('rate 1/s, idle 1 s, warm 0: 1 + (e − 1)(1 − 2/e)', () => {
    close(instanceLifetime(1, 1, 0), 1 + (Math.E - 1) * (1 - 2 / Math.E), 1e-12);
  });
  test('a busy instance practically never dies', () => {
    expect(instanceLifetime(1000, 600, 0.01)).toBe(Infinity);
  });
});

describe('one instance (concurrency limit 1): worked by hand', () => {
  // λ = 1/s, W = 1 s, C = 2 s, τ = 1 s. ρ = λW = 1, B(1, 1) = 1/2, so the instance receives
  // λ1 = λ(1 − 1/2) = 0.5/s; its lifetime ℓ = 1 + (e^{0.5} − 1)((1 − e^{−1})/0.5 − 2e^{−1}) = 1.342838 s.
  // Chain 0 ⇄ 1: birth λ = 1, death 1/ℓ, so π1/π0 = ℓ: π0 = 1/(1 + ℓ) = 0.426833, π1 = 0.573167.
  // Cold: every request in state 0 (π0). Rejected: those finding the one instance busy in state 1,
  // π1·B(1,1) = 0.286584. Response time over accepted requests: (π0·C + π1·(1/2)·W)/(π0 + π1/2).
  const r = steadyState({ arrivalRate: 1, warm: 1, cold: 2, idleTimeout: 1, maxConcurrency: 1 });
  const l = 1 + (Math.exp(0.5) - 1) * ((1 - Math.exp(-1)) / 0.5 - 2 * Math.exp(-1));
  const pi0 = 1 / (1 + l);
  const pi1 = l / (1 + l);
  test.each([
    ['coldProbability', r.coldProbability, pi0, 0.426833],
    ['rejectionProbability', r.rejectionProbability, pi1 / 2, 0.286584],
    ['meanInstances', r.meanInstances, pi1, 0.573167],
    ['meanResponseTime', r.meanResponseTime, (pi0 * 2 + (pi1 / 2) * 1) / (pi0 + pi1 / 2), 1.598294],
    ['meanRunningWarm', r.meanRunningWarm, pi1 * 1 * (1 - 0.5) * 1, 0.286584],
  ])('%s', (_name, got, exact, rounded) => {
    close(got, exact, 1e-12);
    close(got, rounded, 2e-6);
  });
  test('two states, nothing else', () => expect(r.states.map((s) => s.instances)).toEqual([0, 1]));
});

describe("pacsltk's perfmodel.get_sls_warm_count_dist (v0.1, run offline with numpy/scipy)", () => {
  // Reference values printed by pacsltk's Python implementation for these inputs (λ, W, C, τ), no
  // concurrency limit in reach. Its linear solve and our product form agree to ~1e-13; the tolerance
  // leaves room for the summation order only. (pacsltk's README prints older figures for the first
  // case — 251.04 instances, cold 6.5e-5 — that its current code no longer produces.)
  test.each([
    { i: [100, 2, 25, 600], inst: 251.40805598101417, cold: 5.936449505176137e-5, resp: 2.001365383386191, util: 0.7954722306754259, run: 200.13653833861912 },
    {
      i: [1, 0.1, 0.5, 10],
      inst: 1.5701972171591279,
      cold: 0.042845661043085036,
      resp: 0.11713826441723402,
      util: 0.06095758726974706,
      run: 0.11713826441723402,
    },
    {
      i: [0.05, 0.2, 1, 5],
      inst: 0.20550656143727666,
      cold: 0.7967807336137559,
      resp: 0.8374245868910046,
      util: 0.00988869965829628,
      run: 0.04187122934455024,
    },
    {
      i: [10, 0.05, 0.3, 2],
      inst: 2.854892067388118,
      cold: 0.027876696488893397,
      resp: 0.05696917412222334,
      util: 0.17025570154049327,
      run: 0.5696917412222334,
    },
    { i: [0.5, 1, 3, 20], inst: 2.405991525899211, cold: 0.05938240229491678, resp: 1.1187648045898337, util: 0.1954740047044718, run: 0.5593824022949169 },
  ])('λ=$i.0 W=$i.1 C=$i.2 τ=$i.3', ({ i, inst, cold, resp, util, run }) => {
    const r = steadyState({ arrivalRate: i[0], warm: i[1], cold: i[2], idleTimeout: i[3] });
    close(r.meanInstances, inst, 1e-9);
    close(r.coldProbability, cold, 1e-8);
    close(r.meanResponseTime, resp, 1e-9);
    close(r.utilization, util, 1e-9);
    close(r.meanRunning, run, 1e-9);
    close(r.meanIdle, r.meanInstances - r.meanRunningWarm, 1e-12);
    close(
      r.states.reduce((s, x) => s + x.probability, 0),
      1,
      1e-12,
    );
  });
});

describe('limits', () => {
  test.each([1e-3, 1e-5, 1e-8])('arrival rate %s/s → every request is cold', (rate) => {
    const r = steadyState({ arrivalRate: rate, warm: 0.01, cold: 0.3, idleTimeout: 600 });
    expect(r.coldProbability).toBeGreaterThan(1 - rate * 600 * 1.01);
    close(r.meanResponseTime, 0.3, rate * 600);
  });
  test('cold probability falls as the idle timeout grows, to 0', () => {
    const at = (t: number) => steadyState({ arrivalRate: 2, warm: 0.05, cold: 0.4, idleTimeout: t }).coldProbability;
    const xs = [0.1, 1, 10, 100, 1e4, 1e9].map(at);
    for (let k = 1; k < xs.length; k++) expect(xs[k]).toBeLessThan(xs[k - 1]);
    // The last instance to be created is the one that can still die: the probability falls like 1/τ.
    expect(xs.at(-1)).toBeLessThan(1e-9);
    expect(at(Infinity)).toBeLessThan(1e-12);
  });
  test('no expiry at all: the instance count climbs until cold starts vanish', () => {
    const r = steadyState({ arrivalRate: 1, warm: 1, cold: 2, idleTimeout: Infinity });
    expect(r.coldProbability).toBe(0);
    expect(r.truncation).toMatch(/Erlang-B underflows/);
  });
  test('huge load: bounded by the concurrency limit, the overflow is throttled', () => {
    const r = steadyState({ arrivalRate: 1000, warm: 1, cold: 2, idleTimeout: 60, maxConcurrency: 50 });
    expect(r.states.at(-1)!.instances).toBe(50);
    close(r.rejectionProbability, erlangB(1000, 50), 1e-6);
  });
  test.each([
    { arrivalRate: 0, warm: 1, cold: 1, idleTimeout: 1 },
    { arrivalRate: 1, warm: -1, cold: 1, idleTimeout: 1 },
    { arrivalRate: 1, warm: 1, cold: NaN, idleTimeout: 1 },
    { arrivalRate: 1, warm: 1, cold: 1, idleTimeout: 0 },
    { arrivalRate: 1, warm: 1, cold: 1, idleTimeout: 1, maxConcurrency: 0.5 },
  ])('rejects %o', (i) => expect(() => steadyState(i)).toThrow(RangeError));
});

describe('cost', () => {
  test('by hand: 10% cold, 128 MB, 2 ms warm, 300 ms cold of which 250 ms init', () => {
    const p = { coldProbability: 0.1, rejectionProbability: 0 } as never;
    const s = { label: 'x', warm: 0.002, cold: 0.3, init: 0.25, source: 'test' };
    const prices = { gbSecond: 0.0000166667, request: 0.0000002, memoryMb: 128, initBilled: true };
    // billed = 0.1·0.3 + 0.9·0.002 = 0.0318 s; per request 2e-7 + 1.66667e-5·0.125·0.0318
    close(costOf(p, s, prices).perMillion, 1e6 * (2e-7 + 0.0000166667 * 0.125 * 0.0318), 1e-12);
    // init not billed: cold bills 50 ms
    close(costOf(p, s, { ...prices, initBilled: false }).billedSeconds, 0.1 * 0.05 + 0.9 * 0.002, 1e-12);
  });
});

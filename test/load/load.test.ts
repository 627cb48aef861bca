// The load generator on real runtime processes (built-in Node bootstrap over the real Runtime API):
// scale-out as real cold starts, reuse of warm instances, idle expiry, throttling at the concurrency
// limit as Lambda answers it, errors by kind, and no process or folder left behind.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import http from 'node:http';
import { afterAll, afterEach, describe, expect, test } from 'vitest';
import { findHandler } from '../../src/measure/handlers.js';
import { awsLaunch, processTree, makeBase, removeBase, unpackInto } from '../../src/sandbox/index.js';
import { InstancePool, InvokeApi, runLoad, type LoadOptions } from '../../src/load/index.js';
import { cleanEnv } from '../../src/util/env.js';
import { main } from '../../src/cli.js';

const ROOT = path.resolve(__dirname, '../..');
const FIX = path.join(ROOT, 'fixtures/load');
const SLEEPY = path.join(FIX, 'sleepy');
const CLI = path.join(ROOT, 'bin/faaslight.js');

// A private temporary folder (other suites may share /tmp): task roots are made under it.
const TMP = mkdtempSync(path.join(os.tmpdir(), 'faaslight-load-test-'));
process.env.TMPDIR = TMP;
const children = () => processTree(process.pid).slice(1);

afterEach(() => {
  // Every runtime process has exited and every task root is gone.
  expect(children()).toEqual([]);
  expect(readdirSync(TMP)).toEqual([]);
});
afterAll(() => rmSync(TMP, { recursive: true, force: true }));

const opts = (o: Partial<LoadOptions>): LoadOptions => ({
  input: SLEEPY,
  handler: 'index.handler',
  workload: { kind: 'closed', users: 1, loops: 1, rampUpMs: 0 },
  idleTimeoutMs: 5000,
  maxConcurrency: 5,
  maxRequests: 500,
  maxTimeMs: 30_000,
  runtimeClient: 'builtin',
  records: true,
  ...o,
});

async function withPool<T>(
  o: { idleTimeoutMs: number; maxConcurrency: number; pkg?: string },
  fn: (pool: InstancePool, post: (body: object) => Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }>) => Promise<T>,
): Promise<T> {
  const base = await makeBase();
  const root = await unpackInto(base, o.pkg ?? SLEEPY);
  const spec = await findHandler(root.dir, 'index.handler');
  const pool = new InstancePool({
    root,
    spec,
    launch: awsLaunch(spec, { runtimeClient: 'builtin' }),
    idleTimeoutMs: o.idleTimeoutMs,
    maxConcurrency: o.maxConcurrency,
    timeoutMs: 5000,
    initTimeoutMs: 5000,
  });
  const api = await InvokeApi.start(pool);
  const post = (body: object) =>
    new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }>((resolve, reject) => {
      const req = http.request(api.url, { method: 'POST', agent: false }, (res) => {
        let b = '';
        res.on('data', (c) => (b += c));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: b }));
      });
      req.on('error', reject);
      req.end(JSON.stringify(body));
    });
  try {
    return await fn(pool, post);
  } finally {
    await api.close();
    await pool.close();
    await removeBase(base);
    // None of the pool's processes survives.
    for (const pid of pool.pids) expect(() => process.kill(pid, 0)).toThrow();
  }
}

describe('the pool behind the Invoke API', () => {
  test('warm reuse, scale-out on concurrency, idle expiry as a new cold start', async () => {
    await withPool({ idleTimeoutMs: 300, maxConcurrency: 5 }, async (pool, post) => {
      const a = await post({ ms: 5 });
      const b = await post({ ms: 5 });
      expect([a.status, a.headers['x-faaslight-cold'], b.headers['x-faaslight-cold']]).toEqual([200, '1', '0']);
      const [pa, pb] = [JSON.parse(a.body), JSON.parse(b.body)];
      expect(pb).toEqual({ pid: pa.pid, served: 2 }); // same process, second event through /next
      // Two at once: one goes to the idle instance, the other starts a second one.
      const both = await Promise.all([post({ ms: 200 }), post({ ms: 200 })]);
      expect(both.map((r) => r.headers['x-faaslight-cold']).sort()).toEqual(['0', '1']);
      expect(new Set(both.map((r) => JSON.parse(r.body).pid)).size).toBe(2);
      // Idle longer than the timeout: both instances are removed, the next request is cold again.
      await new Promise((r) => setTimeout(r, 700));
      expect(pool.live).toBe(0);
      const c = await post({ ms: 5 });
      expect(c.headers['x-faaslight-cold']).toBe('1');
      expect(JSON.parse(c.body).served).toBe(1);
      expect([pool.coldStarts, pool.expired]).toEqual([3, 2]);
    });
  });

  test('the concurrency limit is answered like Lambda: 429 TooManyRequestsException', async () => {
    await withPool({ idleTimeoutMs: 5000, maxConcurrency: 2 }, async (_pool, post) => {
      const rs = await Promise.all([0, 1, 2, 3].map(() => post({ ms: 400 })));
      const throttled = rs.filter((r) => r.status === 429);
      expect(throttled.length).toBe(2);
      for (const r of throttled) {
        expect(r.headers['x-amzn-errortype']).toBe('TooManyRequestsException');
        expect(JSON.parse(r.body)).toMatchObject({ Reason: 'ReservedFunctionConcurrentInvocationLimitExceeded', message: 'Rate Exceeded.' });
      }
      expect(rs.filter((r) => r.status === 200).length).toBe(2);
    });
  });

  test('errors by kind: handler error keeps the instance, a crash ends it, an init error is a function error', async () => {
    await withPool({ idleTimeoutMs: 5000, maxConcurrency: 2 }, async (pool, post) => {
      const e = await post({ ms: 1, fail: true });
      expect([e.status, e.headers['x-amz-function-error'], e.headers['x-faaslight-kind']]).toEqual([200, 'Unhandled', 'handler-error']);
      expect(JSON.parse(e.body).errorType).toBe('TypeError');
      const again = await post({ ms: 1 });
      expect(again.headers['x-faaslight-cold']).toBe('0');
      const x = await post({ ms: 1, exit: true });
      expect(x.headers['x-faaslight-kind']).toBe('crash');
      expect(pool.live).toBe(0);
    });
    await withPool({ idleTimeoutMs: 5000, maxConcurrency: 2, pkg: path.join(FIX, 'crashy') }, async (_pool, post) => {
      const r = await post({});
      expect([r.status, r.headers['x-amz-function-error'], r.headers['x-faaslight-kind']]).toEqual([200, 'Unhandled', 'init-error']);
    });
  });
});

describe('runLoad', () => {
  test('closed loop: one user reuses one instance; users beyond the limit are throttled', async () => {
    const one = await runLoad(opts({ workload: { kind: 'closed', users: 1, loops: 6, rampUpMs: 0 } }));
    const r = one.runs[0];
    expect([r.requests, r.coldStarts, r.maxInstances, r.errors]).toEqual([6, 1, 1, {}]);
    expect(r.records!.map((x) => x.cold)).toEqual([true, false, false, false, false, false]);
    expect(r.latency.cold!.mean).toBeGreaterThan(r.latency.warm!.mean);

    const many = await runLoad(
      opts({ workload: { kind: 'closed', users: 4, loops: 2, rampUpMs: 0 }, maxConcurrency: 2, event: path.join(SLEEPY, 'event.json') }),
    );
    const m = many.runs[0];
    expect(m.requests).toBe(8);
    expect(m.errors.throttled).toBeGreaterThan(0);
    expect(m.maxInstances).toBe(2);
    expect(m.goodput).toBeLessThan(m.throughput);
  });

  test('open loop: Poisson arrivals over the duration, the model set against the run', async () => {
    const rep = await runLoad(opts({ workload: { kind: 'open', rate: 20, durationMs: 1500 }, idleTimeoutMs: 2000, maxConcurrency: 50, seed: 5 }));
    const r = rep.runs[0];
    expect(r.requests).toBeGreaterThan(10);
    expect(r.errors).toEqual({});
    // No arrival is scheduled past the duration (the slack is for timers on a busy machine).
    expect(r.records!.at(-1)!.t).toBeLessThan(1500 + 1000);
    expect(r.coldStarts).toBeGreaterThanOrEqual(1);
    expect(r.model!.inputs.arrivalRate).toBe(20);
    expect(r.model!.measured.coldFraction).toBe(r.coldStarts / r.requests);
    expect(r.model!.predicted.coldProbability).toBeGreaterThan(0);
    expect(r.model!.simulatedRun.coldProbability).toBeGreaterThan(r.model!.predicted.coldProbability);
    expect(r.instancesOverTime.at(-1)!.instances).toBe(0); // all gone at the end
  });

  test('bounded: stops at --max-requests', async () => {
    const rep = await runLoad(opts({ workload: { kind: 'open', rate: 200, durationMs: 10_000 }, maxRequests: 15 }));
    expect(rep.runs[0].requests).toBe(15);
    expect(rep.notes.join('\n')).toMatch(/A: stopped at the bound/);
  });
});

describe('CLI', () => {
  const cli = (args: string[]) => spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, encoding: 'utf8', env: cleanEnv({ TMPDIR: TMP }), timeout: 60_000 });

  test('A/B as JSON, exit 0, nothing left running', () => {
    const r = cli([
      'load',
      'fixtures/load/sleepy',
      '--vs',
      'fixtures/load/sleepy',
      '--handler',
      'index.handler',
      '--runtime-client',
      'builtin',
      '--users',
      '2',
      '--loops',
      '3',
      '--json',
      '--quiet',
    ]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(readdirSync(TMP)).toEqual([]);
    const rep = JSON.parse(r.stdout);
    expect(rep.kind).toBe('faaslight.load');
    expect(rep.runs.map((x: { label: string }) => x.label)).toEqual(['A', 'B']);
    expect(rep.comparison.goodputRatio).toBeGreaterThan(0);
  });

  test.each([
    [['load', 'fixtures/load/sleepy', '--users', '2', '--loops', '1', '--rate', '1', '--duration', '1'], /choose one workload/],
    [['load', 'fixtures/load/sleepy', '--users', '2'], /needs both --users and --loops/],
    [['load', 'fixtures/load/missing', '--users', '1', '--loops', '1'], /package not found/],
    [['load', 'fixtures/load/sleepy', '--rate', '-1', '--duration', '1'], /positive number/],
  ])('usage error %j', async (args, msg) => {
    let err = '';
    const code = await main(['node', 'faaslight', ...args], { out: () => {}, err: (s) => (err += s) });
    expect(code).toBe(2);
    expect(err).toMatch(msg);
  });

  test('throttling makes the run fail (exit 1) and shows in the text report', () => {
    const r = cli([
      'load',
      'fixtures/load/sleepy',
      '--handler',
      'index.handler',
      '--runtime-client',
      'builtin',
      '--users',
      '3',
      '--loops',
      '1',
      '--max-concurrency',
      '1',
      '--event',
      'fixtures/load/sleepy/event.json',
      '--quiet',
    ]);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/errors: throttled 2/);
    expect(r.stdout).toMatch(/cold-start fraction: measured/);
  });
});

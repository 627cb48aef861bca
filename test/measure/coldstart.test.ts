// Real Node and Python handlers through the local Runtime API: outputs, errors, timeouts, the
// protocol each runtime speaks, the order of the timings, and the cleanup of every task root.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { coldStart, type ColdStartOptions, type ColdStartResult } from '../../src/measure/coldstart.js';
import { findRic } from '../../src/sandbox/index.js';
import type { HandlerSpec } from '../../src/types.js';
import { writeRawZip } from './zip-helper.js';
import { skipWithout } from '../prereq.js';

const FIX = path.resolve(__dirname, '../../fixtures/measure');
const fx = (name: string) => path.join(FIX, name);
const tmp = mkdtempSync(path.join(os.tmpdir(), 'faaslight-measure-test-'));
const seenRoots: string[] = [];
const NEXT = 'GET /2018-06-01/runtime/invocation/next 200';

/**
 * The spec the app loader would give for these fixtures: Python for the python-* packages, a GCF target
 * with --platform gcf. The handler need not exist (a missing one is an init error of the runtime).
 */
function specOf(pkg: string, handler: string, platform: ColdStartOptions['platform']): HandlerSpec {
  const gcf = platform === 'gcf';
  return {
    handler,
    file: '',
    exportName: gcf ? handler : handler.slice(handler.lastIndexOf('.') + 1),
    runtime: path.basename(pkg).startsWith('python') ? 'python' : 'nodejs',
    style: gcf ? 'gcf' : 'aws',
    source: '--handler',
  };
}

async function run(pkg: string, handler: string, event: unknown, opts: ColdStartOptions = {}): Promise<ColdStartResult> {
  const r = await coldStart(pkg, specOf(pkg, handler, opts.platform), event, { runtimeClient: 'builtin', ...opts });
  if (r.taskRoot) seenRoots.push(r.taskRoot);
  return r;
}

const steps = (r: ColdStartResult) =>
  r.protocol.map((p) => `${p.method} ${p.path.replace(/invocation\/[^/]+\/(response|error)$/, 'invocation/ID/$1')} ${p.status}`);

function expectTimingOrder(r: ColdStartResult) {
  expect(r.initMs).toBeGreaterThan(0);
  expect(r.durationMs).toBeGreaterThanOrEqual(0);
  expect(r.initMs!).toBeLessThanOrEqual(r.e2eMs!);
  expect(r.durationMs!).toBeLessThanOrEqual(r.e2eMs!);
  expect(r.initMs! + r.durationMs!).toBeLessThanOrEqual(r.e2eMs! + 0.05);
  expect(r.unpackMs).toBeGreaterThanOrEqual(0);
  // The protocol log is in spawn-relative time and agrees with the timings.
  expect(r.protocol[0].t).toBeCloseTo(r.initMs!, 1);
}

afterAll(() => {
  rmSync(tmp, { recursive: true, force: true });
  // Every task root created by these runs is gone.
  expect(seenRoots.length).toBeGreaterThan(0);
  expect(seenRoots.filter((d) => existsSync(d) || existsSync(path.dirname(d)))).toEqual([]);
});

describe('successful handlers (built-in Node bootstrap and Python bootstrap)', () => {
  test.each([
    {
      name: 'CommonJS',
      pkg: 'node-cjs',
      handler: 'index.handler',
      want: {
        echo: { n: 1 },
        functionName: 'faaslight-local',
        hasRequestId: true,
        remainingIsNumber: true,
        taskRootIsCwd: true,
        handlerEnv: 'index.handler',
        leaked: [],
        sep: '/',
      },
    },
    { name: 'ESM by package type', pkg: 'node-esm', handler: 'index.handler', want: { esm: true, echo: { n: 1 }, sep: '/' } },
    { name: '.mjs', pkg: 'node-mjs', handler: 'app.handler', want: { mjs: true } },
    { name: 'callback style', pkg: 'node-callback', handler: 'index.handler', want: { callback: true, calls: 1 } },
    { name: 'never-settling promise, empty loop → null like Lambda', pkg: 'node-empty-loop', handler: 'index.handler', want: null },
    {
      name: 'Python stdlib imports',
      pkg: 'python-app',
      handler: 'app.handler',
      want: { echo: { n: 1 }, function_name: 'faaslight-local', remaining_is_int: true, status: 'OK', json: '[1, 2]', has_parser: true },
    },
  ])('$name', async ({ pkg, handler, want }) => {
    const r = await run(fx(pkg), handler, { n: 1 }, { env: { NODE_OPTIONS: '--no-warnings' } });
    expect(r.error).toBeUndefined();
    expect(r.output).toEqual(pkg === 'node-cjs' ? { ...want, leaked: ['NODE_OPTIONS'] } : want);
    expect(r.runtimeClient).toBe(pkg.startsWith('python') ? 'python' : 'builtin');
    expectTimingOrder(r);
    expect(r.warmMs).toBeGreaterThanOrEqual(0);
    expect(r.peakRssKb).toBeGreaterThan(1000);
    expect(steps(r).slice(0, 4)).toEqual([
      NEXT,
      'POST /2018-06-01/runtime/invocation/ID/response 202',
      NEXT,
      'POST /2018-06-01/runtime/invocation/ID/response 202',
    ]);
  });

  test('the shell environment does not leak: NODE_EXTRA_CA_CERTS and NODE_OPTIONS are absent unless passed', async () => {
    const prev = process.env.NODE_OPTIONS;
    process.env.NODE_OPTIONS = '--no-deprecation';
    try {
      const r = await run(fx('node-cjs'), 'index.handler', {});
      expect((r.output as { leaked: string[] }).leaked).toEqual([]);
    } finally {
      if (prev === undefined) delete process.env.NODE_OPTIONS;
      else process.env.NODE_OPTIONS = prev;
    }
  });

  test('each instance gets a private, fresh TMPDIR (nothing cached survives into the next cold start)', async () => {
    const first = await run(fx('node-tmp'), 'index.handler', {});
    const second = await run(fx('node-tmp'), 'index.handler', {});
    expect([first.output, second.output]).toEqual([
      { seen: false, privateTmp: true },
      { seen: false, privateTmp: true },
    ]);
  });

  test('a zip package is extracted into the task root', async () => {
    const zip = path.join(tmp, 'ok.zip');
    writeRawZip(zip, [{ name: 'index.js', data: 'exports.handler = async (e) => ({ fromZip: e.v });' }]);
    const r = await run(zip, 'index.handler', { v: 7 });
    expect(r.error).toBeUndefined();
    expect(r.output).toEqual({ fromZip: 7 });
  });

  test('GCF: the Functions Framework answers an HTTP POST on 127.0.0.1', async () => {
    const r = await run(fx('gcf-node'), 'hello', { n: 2 }, { platform: 'gcf' });
    expect(r.error).toBeUndefined();
    expect(r.runtimeClient).toBe('functions-framework');
    expect(r.output).toEqual({ status: 200, body: { got: { n: 2 }, method: 'POST' } });
    expect(r.initMs!).toBeLessThanOrEqual(r.e2eMs!);
    expect(r.durationMs!).toBeLessThanOrEqual(r.e2eMs!);
    expect(r.warmMs).toBeGreaterThanOrEqual(0);
  });
});

describe('failures are reported per run, with the stderr tail, and never hang', () => {
  test.each([
    {
      name: 'Node init error',
      pkg: 'node-init-error',
      handler: 'index.handler',
      error: { kind: 'init-error', phase: 'init', errorType: 'Error', message: 'Error: boom at init' },
      output: { errorType: 'Error', errorMessage: 'boom at init' },
      tail: 'boom at init',
      steps: ['POST /2018-06-01/runtime/init/error 202'],
    },
    {
      name: 'Node handler not exported',
      pkg: 'node-cjs',
      handler: 'index.nothing',
      error: {
        kind: 'init-error',
        phase: 'init',
        errorType: 'Runtime.HandlerNotFound',
        message: 'Runtime.HandlerNotFound: index.nothing is undefined or not exported',
      },
      output: { errorType: 'Runtime.HandlerNotFound', errorMessage: 'index.nothing is undefined or not exported' },
      tail: 'HandlerNotFound',
      steps: ['POST /2018-06-01/runtime/init/error 202'],
    },
    {
      name: 'Node handler error',
      pkg: 'node-handler-error',
      handler: 'index.handler',
      error: { kind: 'handler-error', phase: 'invoke', errorType: 'TypeError', message: 'TypeError: bad input' },
      output: { errorType: 'TypeError', errorMessage: 'bad input' },
      tail: '',
      steps: [NEXT, 'POST /2018-06-01/runtime/invocation/ID/error 202'],
    },
    {
      name: 'Python import error',
      pkg: 'python-init-error',
      handler: 'app.handler',
      error: {
        kind: 'init-error',
        phase: 'init',
        errorType: 'Runtime.ImportModuleError',
        message: "Runtime.ImportModuleError: Unable to import module 'app': No module named 'does_not_exist_anywhere'",
      },
      output: { errorType: 'Runtime.ImportModuleError', errorMessage: "Unable to import module 'app': No module named 'does_not_exist_anywhere'" },
      tail: 'import does_not_exist_anywhere',
      steps: ['POST /2018-06-01/runtime/init/error 202'],
    },
    {
      name: 'Python handler error',
      pkg: 'python-handler-error',
      handler: 'app.handler',
      error: { kind: 'handler-error', phase: 'invoke', errorType: 'ValueError', message: 'ValueError: bad value' },
      output: { errorType: 'ValueError', errorMessage: 'bad value' },
      tail: 'raise ValueError("bad value")',
      steps: [NEXT, 'POST /2018-06-01/runtime/invocation/ID/error 202'],
    },
  ])('$name', async ({ pkg, handler, error, output, tail, steps: want }) => {
    const r = await run(fx(pkg), handler, {});
    const { stderrTail, ...rest } = r.error!;
    expect(rest).toEqual(error);
    expect(stderrTail).toContain(tail);
    expect(r.output).toEqual(output);
    // After posting the error a runtime asks for the next event, like Lambda's: whether that GET is seen
    // before the instance is stopped is a race (aws-lambda-ric wins it more often than the bootstrap).
    const seen = steps(r);
    expect(seen[seen.length - 1] === NEXT && seen.length === want.length + 1 ? seen.slice(0, -1) : seen).toEqual(want);
    if (error.kind === 'init-error') expect([r.initMs, r.durationMs, r.e2eMs, r.warmMs]).toEqual([null, null, null, null]);
    else {
      expectTimingOrder(r);
      expect(r.warmMs).toBeNull(); // no warm invoke after a failed one
    }
  });

  test('a handler that never answers is killed at the timeout', async () => {
    const t0 = performance.now();
    const r = await run(fx('node-hang'), 'index.handler', {}, { timeoutMs: 1000 });
    expect(performance.now() - t0).toBeLessThan(8000);
    expect(r.error).toEqual({
      kind: 'timeout',
      phase: 'invoke',
      message: 'the handler did not answer within 1000 ms: the instance was killed',
      stderrTail: '',
    });
    expect(r.initMs).toBeGreaterThan(0);
    expect([r.durationMs, r.e2eMs, r.warmMs]).toEqual([null, null, null]);
    expect(steps(r)).toEqual([NEXT]);
  });

  test('a runtime that never calls /next is killed at the init timeout', async () => {
    const r = await run(
      fx('node-cjs'),
      'index.handler',
      {},
      {
        initTimeoutMs: 800,
        runtimeCommand: [process.execPath, '-e', 'console.error("stuck before /next"); setInterval(() => {}, 1000)'],
      },
    );
    expect(r.error).toEqual({
      kind: 'init-timeout',
      phase: 'init',
      message: 'the runtime did not call /next within 800 ms: killed',
      stderrTail: 'stuck before /next',
    });
    expect(r.protocol).toEqual([]);
  });

  test('a runtime that exits before /next is a crash with its exit code', async () => {
    const r = await run(fx('node-cjs'), 'index.handler', {}, { runtimeCommand: [process.execPath, '-e', 'console.error("bye"); process.exit(3)'] });
    expect(r.error).toEqual({
      kind: 'crash',
      phase: 'init',
      message: 'the runtime exited with code 3 before calling /next',
      exitCode: 3,
      signal: null,
      stderrTail: 'bye',
    });
  });

  test('a missing Python interpreter is a spawn error', async () => {
    const r = await run(fx('python-app'), 'app.handler', {}, { python: path.join(tmp, 'no-python3') });
    expect(r.error?.kind).toBe('spawn');
    expect(r.error?.message).toMatch(/^cannot start the runtime: spawn .*no-python3 ENOENT$/);
    expect(r.unpackMs).toBeGreaterThanOrEqual(0);
  });

  test('an event that is not JSON starts nothing', async () => {
    const r = await run(fx('node-cjs'), 'index.handler', '{not json');
    expect(r.error?.kind).toBe('invalid-event');
    expect(r.error?.message).toMatch(/^the event is not valid JSON: /);
    expect([r.unpackMs, r.taskRoot, r.protocol]).toEqual([null, null, []]);
  });

  test.each([
    { name: 'corrupt zip', make: (f: string) => writeFileSync(f, 'PK\u0003\u0004 this is not a zip at all'), match: /^cannot unpack .*corrupt\.zip: / },
    {
      name: 'zip-slip entry',
      make: (f: string) =>
        writeRawZip(f, [
          { name: 'index.js', data: 'exports.handler=()=>1' },
          { name: '../x', data: 'escaped' },
        ]),
      match: /zip entry "\.\.\/x" .* escapes the target folder: refusing to extract/,
    },
  ])('$name is an unpack error, and nothing escapes', async ({ name, make, match }) => {
    const zip = path.join(tmp, name === 'corrupt zip' ? 'corrupt.zip' : 'slip.zip');
    make(zip);
    const r = await run(zip, 'index.handler', {});
    expect(r.error?.kind).toBe('unpack');
    expect(r.error?.phase).toBe('unpack');
    expect(r.error?.message).toMatch(match);
    expect(r.protocol).toEqual([]);
    // The temporary folder that held the task root (where "../x" would have landed) is gone too.
    expect(existsSync(path.dirname(r.taskRoot!))).toBe(false);
  });
});

describe('profile', () => {
  test('Node: the require hook attributes init time to the handler file and is not part of the timed sample', async () => {
    const r = await run(fx('node-cjs'), 'index.handler', {}, { profile: true, warm: false });
    expect(r.error).toBeUndefined();
    expect(r.warmMs).toBeNull();
    expect(r.profile?.tool).toBe('require-hook');
    expect(r.profile?.tree.map((n) => [n.id, n.package])).toEqual([['index.js', '(app)']]);
    // node:path was loaded by the runtime already: free for the handler, so not a child.
    expect(r.profile?.tree[0].children).toEqual([]);
    expect(r.profile?.top.map((e) => e.package)).toEqual(['(app)']);
    expect(r.profile?.loadedDuringInvoke).toEqual([]);
  });

  test('Python: -X importtime lines of the handler import only', async () => {
    const r = await run(fx('python-app'), 'app.handler', {}, { profile: true });
    expect(r.error).toBeUndefined();
    expect(r.profile?.tool).toBe('python-importtime');
    expect(r.profile!.tree.map((n) => n.id)).toEqual(['app']);
    const app = r.profile!.tree[0];
    expect(app.children.map((c) => c.id)).toEqual(expect.arrayContaining(['email.parser', 'http.client']));
    expect(r.profile!.top.map((e) => e.package)).toEqual(expect.arrayContaining(['app', 'email', 'http']));
  });
});

describe.skipIf(skipWithout(findRic() !== undefined, 'aws-lambda-ric built (scripts/setup-ric.sh)'))('the real runtime client (aws-lambda-ric)', () => {
  test.each([
    { pkg: 'node-cjs', handler: 'index.handler' },
    { pkg: 'node-esm', handler: 'index.handler' },
  ])('$pkg runs under aws-lambda-ric', async ({ pkg, handler }) => {
    const r = await run(fx(pkg), handler, { n: 1 }, { runtimeClient: 'ric' });
    expect(r.error).toBeUndefined();
    expect(r.runtimeClient).toBe('ric');
    expect((r.output as { echo: unknown }).echo).toEqual({ n: 1 });
    expectTimingOrder(r);
  });

  test('init error under aws-lambda-ric', async () => {
    const r = await run(fx('node-init-error'), 'index.handler', {}, { runtimeClient: 'ric' });
    expect(r.error?.kind).toBe('init-error');
    expect(r.output).toEqual({ errorType: 'Error', errorMessage: 'boom at init' });
    expect(steps(r)).toEqual(['POST /2018-06-01/runtime/init/error 202']);
  });
});

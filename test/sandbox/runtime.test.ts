// startRuntime / awaitInit directly: the cold event is served on the first /next, the child sees
// Lambda's variables and nothing of the parent's environment, and each way init can end is named.
import path from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import {
  awaitInit,
  awsLaunch,
  DEFAULT_PYTHON,
  killInstance,
  makeBase,
  removeBase,
  startRuntime,
  unpackInto,
  type RuntimeInstance,
  type TaskRoot,
} from '../../src/sandbox/index.js';
import type { HandlerSpec } from '../../src/types.js';

const FIX = path.resolve(__dirname, '../../fixtures/measure');
const spec = (handler: string, runtime: HandlerSpec['runtime'] = 'nodejs'): HandlerSpec => ({
  handler,
  file: '',
  exportName: handler.slice(handler.lastIndexOf('.') + 1),
  runtime,
  style: 'aws',
  source: 'test',
  functionName: 'sandbox-fn',
  runtimeId: runtime === 'python' ? 'python3.11' : 'nodejs20.x',
});

let open: { rt?: RuntimeInstance; root: TaskRoot }[] = [];
afterEach(async () => {
  for (const o of open) {
    if (o.rt) {
      await killInstance(o.rt.proc);
      await o.rt.server.close();
    }
    await removeBase(o.root.base);
  }
  open = [];
});

async function start(pkg: string, h: HandlerSpec, launch = awsLaunch(h, { runtimeClient: 'builtin' })) {
  const root = await unpackInto(await makeBase(), path.join(FIX, pkg));
  const entry: (typeof open)[number] = { root };
  open.push(entry);
  const leak = process.env.NODE_OPTIONS;
  process.env.NODE_OPTIONS = '--no-warnings'; // the parent's environment must not reach the child
  try {
    entry.rt = await startRuntime(h, { root, launch, memoryMb: 512, env: { EXTRA: '1' } }, { payload: '{"n":1}', timeoutMs: 5000 });
  } finally {
    if (leak === undefined) delete process.env.NODE_OPTIONS;
    else process.env.NODE_OPTIONS = leak;
  }
  return entry.rt;
}

describe('startRuntime', () => {
  test('a Node handler: init ends on the first /next, which serves the event queued before the spawn', async () => {
    const rt = await start('node-cjs', spec('index.handler'));
    expect(await awaitInit(rt, 10_000)).toBe('next');
    const timing = await rt.first;
    expect(timing.result.kind).toBe('response');
    expect(timing.handedOutAt).toBeGreaterThanOrEqual(rt.server.firstNextAt!);
    expect(JSON.parse(timing.result.body)).toEqual({
      echo: { n: 1 },
      functionName: 'sandbox-fn',
      hasRequestId: true,
      remainingIsNumber: true,
      taskRootIsCwd: true,
      handlerEnv: 'index.handler',
      leaked: [],
      sep: '/',
    });
  });

  test('a Python handler runs under the default interpreter with -S', async () => {
    const rt = await start('python-app', spec('app.handler', 'python'));
    expect(rt.proc.child.spawnargs.slice(0, 2)).toEqual([DEFAULT_PYTHON, '-S']);
    expect(await awaitInit(rt, 10_000)).toBe('next');
    expect((await rt.first).result.kind).toBe('response');
  });

  test.each([
    { name: 'the handler throws at load', pkg: 'node-init-error', want: 'init-error' },
    { name: 'the runtime exits before /next', pkg: 'node-cjs', command: [process.execPath, '-e', 'process.exit(3)'], want: 'exit' },
    { name: 'the runtime never calls /next', pkg: 'node-cjs', command: [process.execPath, '-e', 'setTimeout(() => {}, 60000)'], want: 'init-timeout' },
  ])('init ends with $want when $name', async ({ pkg, command, want }) => {
    const h = spec('index.handler');
    const rt = await start(pkg, h, awsLaunch(h, { runtimeClient: 'builtin', runtimeCommand: command }));
    expect(await awaitInit(rt, want === 'init-timeout' ? 300 : 10_000)).toBe(want);
  });
});

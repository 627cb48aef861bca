import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { HandlerSpec } from '../../src/types.js';
import { runHandler, parseResult } from '../../src/sandbox/index.js';

const ROOT = path.resolve(__dirname, '../../fixtures/verify/harness');
const PY = path.resolve(__dirname, '../../fixtures/verify/python');
const ADA = path.join(ROOT, 'events/ada.json');
const BOB = path.join(ROOT, 'events/bob.json');

const node = (handler: string, style: 'aws' | 'gcf' = 'aws', file = ''): HandlerSpec => ({
  handler,
  file: file || handler.replace(/\..*$/, '.js'),
  exportName: handler.slice(handler.indexOf('.') + 1),
  runtime: 'nodejs',
  style,
  source: 'test',
});
const py = (handler: string, style: 'aws' | 'gcf' = 'aws'): HandlerSpec => ({
  handler,
  file: 'app.py',
  exportName: handler.split('.').pop()!,
  runtime: 'python',
  style,
  source: 'test',
});

interface Case {
  name: string;
  root?: string;
  spec: HandlerSpec;
  event?: string;
  expected: { ok: boolean; output: unknown; error?: { name: string; message: string }; phase: string };
  stdout?: string;
}

const cases: Case[] = [
  {
    name: 'async handler gets event and a Lambda-like context; user logs pass through',
    spec: node('async.handler'),
    expected: { ok: true, output: { got: 'ada', fn: 'faaslight-local', left: true }, phase: 'invoke' },
    stdout: 'log line from the handler\n',
  },
  { name: 'callback handler (3 parameters)', spec: node('callback.handler'), expected: { ok: true, output: { cb: 'ada' }, phase: 'invoke' } },
  {
    name: 'callback handler calling back with an error',
    spec: node('callback.handler'),
    event: BOB,
    expected: { ok: false, output: null, error: { name: 'TypeError', message: 'bad input' }, phase: 'invoke' },
  },
  { name: 'plain function returning a value', spec: node('sync.handler'), expected: { ok: true, output: { sync: 'ada' }, phase: 'invoke' } },
  { name: 'nested export path', spec: node('sync.nested.deeper.handler'), expected: { ok: true, output: 'nested', phase: 'invoke' } },
  { name: 'undefined result is null', spec: node('undef.handler'), expected: { ok: true, output: null, phase: 'invoke' } },
  {
    name: 'ESM handler ("type": "module")',
    spec: node('esm/index.handler'),
    expected: { ok: true, output: { esm: 'ADA', url: true }, phase: 'invoke' },
  },
  { name: '.mjs found after .js', spec: node('only-mjs.handler'), expected: { ok: true, output: 'mjs', phase: 'invoke' } },
  {
    name: 'module that throws at init',
    spec: node('init-error.handler'),
    expected: { ok: false, output: null, error: { name: 'RangeError', message: 'config missing' }, phase: 'init' },
  },
  {
    name: 'module whose require fails at init',
    spec: node('throws-init.handler'),
    expected: {
      ok: false,
      output: null,
      error: { name: 'Error', message: expect.stringMatching(/^Cannot find module '\.\/lib\/missing-config'/) as unknown as string },
      phase: 'init',
    },
  },
  {
    name: 'handler that rejects',
    spec: node('rejects.handler'),
    expected: { ok: false, output: null, error: { name: 'ServiceError', message: 'downstream unavailable' }, phase: 'invoke' },
  },
  {
    name: 'missing export',
    spec: node('sync.nope'),
    expected: { ok: false, output: null, error: { name: 'Runtime.HandlerNotFound', message: 'sync.js.nope is undefined or not exported' }, phase: 'init' },
  },
  {
    name: 'export that is not a function',
    spec: node('sync.notAFunction'),
    expected: { ok: false, output: null, error: { name: 'Runtime.HandlerNotFound', message: 'sync.js.notAFunction is not a function' }, phase: 'init' },
  },
  {
    name: 'missing module',
    spec: node('nothere.handler'),
    expected: { ok: false, output: null, error: { name: 'Runtime.ImportModuleError', message: "Error: Cannot find module 'nothere.handler'" }, phase: 'init' },
  },
  {
    name: 'GCF style: res.status().set().send()',
    spec: node('gcf.hello', 'gcf', 'gcf.js'),
    expected: { ok: true, output: { statusCode: 201, body: 'Hello ada, application/json' }, phase: 'invoke' },
  },
  {
    name: 'GCF style: async res.json()',
    spec: node('gcf.json', 'gcf', 'gcf.js'),
    expected: { ok: true, output: { statusCode: 200, body: { echo: { name: 'ada' } } }, phase: 'invoke' },
  },
  {
    name: 'Python handler',
    root: PY,
    spec: py('app.handler'),
    expected: { ok: true, output: { got: 'ada', fn: 'faaslight-local', left: true }, phase: 'invoke' },
    stdout: 'python log\n',
  },
  {
    name: 'Python handler raising',
    root: PY,
    spec: py('app.fails'),
    expected: { ok: false, output: null, error: { name: 'ValueError', message: 'no way' }, phase: 'invoke' },
  },
  {
    name: 'Python module failing at import',
    root: PY,
    spec: py('broken.handler'),
    expected: { ok: false, output: null, error: { name: 'ImportError', message: 'cannot import heavy thing' }, phase: 'init' },
  },
  {
    name: 'Python GCF style (Flask return conventions)',
    root: PY,
    spec: py('app.http', 'gcf'),
    expected: { ok: true, output: { statusCode: 202, body: 'Hi ada' }, phase: 'invoke' },
  },
];

describe('runHandler (invoke harnesses)', () => {
  it.concurrent.each(cases)('$name', async (c) => {
    const res = await runHandler(c.root ?? ROOT, c.spec, c.event ?? ADA);
    const { ok, output, error, phase } = res;
    expect({ ok, output, error, phase }).toEqual({ error: undefined, ...c.expected });
    if (c.stdout !== undefined) expect(res.stdout).toBe(c.stdout);
    expect(res.exitCode).toBe(0);
  });

  it('kills a handler that does not finish, with a clear error', async () => {
    const res = await runHandler(ROOT, node('hang.handler'), ADA, { timeoutMs: 300 });
    expect(res.ok).toBe(false);
    expect(res.error).toEqual({ name: 'FaaslightTimeout', message: 'hang.handler did not finish within 300 ms; process killed' });
  });

  it('does not pass the parent environment through', async () => {
    process.env.FAASLIGHT_LEAK_TEST = 'leaked';
    try {
      const res = await runHandler(ROOT, node('sync.handler'), ADA, {
        nodeArgs: ['-e', 'console.log(JSON.stringify(process.env.FAASLIGHT_LEAK_TEST ?? null) + "|" + process.env.AWS_LAMBDA_FUNCTION_NAME)'],
      });
      expect(res.stdout).toBe('null|faaslight-local\n');
    } finally {
      delete process.env.FAASLIGHT_LEAK_TEST;
    }
  });
});

describe('parseResult', () => {
  it('takes the result line and leaves user logs', () => {
    const r = parseResult('a\n__FAASLIGHT_RESULT__{"ok":true,"output":1,"phase":"invoke"}\nb\n');
    expect(r).toEqual({ outcome: { ok: true, output: 1, phase: 'invoke' }, logs: 'a\nb\n' });
  });
  it('a result printed after an unterminated user line is still found', () => {
    expect(parseResult('partial__FAASLIGHT_RESULT__{"ok":false,"output":null,"error":{"name":"E","message":"m"}}\n')?.outcome).toEqual({
      ok: false,
      output: null,
      error: { name: 'E', message: 'm' },
    });
  });
  it('no line, no result', () => expect(parseResult('just logs\n')).toBeUndefined());
});

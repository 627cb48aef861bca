// Lazy values as a table: which module-scope values may be built at first use, and what that does to
// the import they read. `values` lists candidates with their usage; a value missing from it is not a
// candidate (its initialiser could give something else later, or could not be moved).
import { describe, expect, test } from 'vitest';
import { analyzeFile } from '../../src/lang/js/analyze/bindings.js';

interface Case {
  name: string;
  code: string;
  isESM?: boolean;
  values: Record<string, string>;
  /** Usage of the import of 'sdk'. */
  sdk: string;
}

const H = '\nexports.handler = async () => c.send();\n';
const cases: Case[] = [
  {
    name: 'constructor with literal options',
    code: "const { C } = require('sdk');\nconst c = new C({ region: 'x', n: [1, 2] });" + H,
    values: { c: 'deferred' },
    sdk: 'deferred',
  },
  {
    name: 'primitive consts and env through a const',
    code: "const { C } = require('sdk');\nconst R = process.env.R || 'eu';\nconst N = 3;\nconst c = new C({ region: R, n: N * 2, s: `${R}-1` });" + H,
    values: { c: 'deferred' },
    sdk: 'deferred',
  },
  {
    name: 'static factory over an earlier value',
    code: "const sdk = require('sdk');\nconst base = new sdk.C();\nconst c = sdk.D.from(base, { x: true });" + H,
    values: { base: 'deferred', c: 'deferred' },
    sdk: 'deferred',
  },
  {
    name: 'functions in the options',
    code: "const { C } = require('sdk');\nfunction log(m) { return m; }\nconst c = new C({ logger: log, retry: (n) => n + 1 });" + H,
    values: { c: 'deferred' },
    sdk: 'deferred',
  },
  {
    name: 'unused value: built as written',
    code: "const { C } = require('sdk');\nconst c = new C();\nexports.handler = async () => 1;\n",
    values: { c: 'unused' },
    sdk: 'init',
  },
  {
    name: 'what it reads is also used elsewhere',
    code: "const { C } = require('sdk');\nconst c = new C();\nexports.handler = async () => [c.send(), C.version];\n",
    values: { c: 'init' },
    sdk: 'init',
  },
  {
    name: 'an import method whose module the handler also uses',
    code: "const router = require('sdk');\nconst route = router.add('/x');\nexports.handler = async (e) => [route.path, router.dispatch(e)];\n",
    values: { route: 'init' },
    sdk: 'init',
  },
  {
    name: 'a value read by code other than lazy values',
    code: "const { C, D } = require('sdk');\nconst a = new C();\nconst c = D.wrap(a);\nexports.handler = async () => [c.send(), a.id];\n",
    values: { a: 'init', c: 'init' },
    sdk: 'init',
  },
  { name: 'used at top level', code: "const { C } = require('sdk');\nconst c = new C();\nc.start();" + H, values: { c: 'init' }, sdk: 'init' },
  {
    name: 'used by a function called at init',
    code: "const { C } = require('sdk');\nconst c = new C();\nfunction warm() { return c.ping(); }\nwarm();" + H,
    values: { c: 'init' },
    sdk: 'init',
  },
  { name: 'exported', code: "const { C } = require('sdk');\nconst c = new C();\nmodule.exports.client = c;" + H, values: { c: 'unknown' }, sdk: 'init' },
  {
    name: 'a later value built at init pulls the earlier one',
    code: "const { C } = require('sdk');\nconst a = new C();\nconst c = C.wrap(a);\nc.start();" + H,
    values: { a: 'init', c: 'init' },
    sdk: 'init',
  },
  { name: 'clock read in the options', code: "const { C } = require('sdk');\nconst c = new C({ at: Date.now() });" + H, values: {}, sdk: 'init' },
  { name: 'direct env read in the options', code: "const { C } = require('sdk');\nconst c = new C({ region: process.env.R });" + H, values: {}, sdk: 'init' },
  {
    name: 'a property of an import read as a value (state that may change)',
    code: "const { C, Mode } = require('sdk');\nconst c = new C({ mode: Mode.FAST });" + H,
    values: {},
    sdk: 'init',
  },
  {
    name: "the app's own module (may read or change app state)",
    code: "const { C } = require('./lib/sdk');\nconst { D } = require('sdk');\nconst c = new C();\nconst d = new D();\nexports.handler = async () => [c.send(), d.send()];\n",
    values: { d: 'deferred' },
    sdk: 'deferred',
  },
  {
    name: 'a built-in module',
    code: "const crypto = require('crypto');\nconst { C } = require('sdk');\nconst h = crypto.createHash('sha256');\nexports.handler = async () => h.digest('hex');\n",
    values: {},
    sdk: 'unused',
  },
  {
    name: 'a call on a call (pino().child())',
    code: "const pino = require('sdk');\nconst c = pino({ level: 'info' }).child({ svc: 'a' });" + H,
    values: { c: 'deferred' },
    sdk: 'deferred',
  },
  { name: 'mutable object const', code: "const { C } = require('sdk');\nconst opts = { region: 'x' };\nconst c = new C(opts);" + H, values: {}, sdk: 'init' },
  { name: 'reassigned let', code: "const { C } = require('sdk');\nlet c = new C();\nc = null;" + H, values: {}, sdk: 'init' },
  { name: 'var', code: "const { C } = require('sdk');\nvar c = new C();" + H, values: {}, sdk: 'init' },
  {
    name: 'this in an arrow (module.exports at top level)',
    code: "const { C } = require('sdk');\nconst c = new C({ owner: () => this });" + H,
    values: {},
    sdk: 'init',
  },
  { name: 'self reference', code: "const { C } = require('sdk');\nconst c = new C({ me: () => c });" + H, values: {}, sdk: 'init' },
  { name: 'multi-declarator', code: "const { C } = require('sdk');\nconst x = 1, c = new C();" + H, values: {}, sdk: 'init' },
  {
    name: 'no import read: nothing to gain',
    code: "const { C } = require('sdk');\nclass L {}\nconst c = new L();\nexports.handler = async () => [c, C];\n",
    values: {},
    sdk: 'deferred',
  },
  {
    name: 'eval anywhere',
    code: "const { C } = require('sdk');\nconst c = new C();\nexports.handler = async (e) => eval(e) || c;\n",
    values: { c: 'unknown' },
    sdk: 'unknown',
  },
  {
    name: 'ES module import',
    isESM: true,
    code: "import { C } from 'sdk';\nconst c = new C({ a: 1 });\nexport const handler = async () => c.send();\n",
    values: { c: 'deferred' },
    sdk: 'deferred',
  },
  {
    name: 'exported ES binding',
    isESM: true,
    code: "import { C } from 'sdk';\nexport const c = new C();\nexport const handler = async () => c.send();\n",
    values: {},
    sdk: 'init',
  },
];

describe('lazy values', () => {
  test.each(cases)('$name', ({ code, isESM, values, sdk }) => {
    const fb = analyzeFile('f.js', code, { isESM });
    expect(Object.fromEntries(fb.values.map((v) => [v.name, v.usage]))).toEqual(values);
    expect(fb.sites.find((s) => s.site.specifier === 'sdk')!.site.usage).toBe(sdk);
  });
});

test('the reason names the value an import is read for', () => {
  const fb = analyzeFile('f.js', "const { C } = require('sdk');\nconst c = new C();" + H);
  expect(fb.sites[0].site.usageReason).toBe('read at init only to build c (line 2), which is used only after init (lazy value)');
});

// Property reads of a deferrable built-in (src/lang/js/analyze/builtins.ts): `const { constants } = http2`
// at module scope would load http2 at init; read at first use it reads the same values.
const builtinCases: { name: string; code: string; isESM?: boolean; values: Record<string, string>; spec: string; usage: string }[] = [
  {
    name: 'destructured property of a built-in',
    code: "const http2 = require('node:http2');\nconst { constants } = http2;\nexports.handler = async () => [constants.HTTP2_HEADER_PATH, http2.connect];\n",
    values: { '{ constants }': 'deferred' },
    spec: 'node:http2',
    usage: 'deferred',
  },
  {
    name: 'alias of a destructured built-in function',
    code: "const { getRandomValues } = require('crypto');\nconst g = getRandomValues;\nexports.handler = async () => g(new Uint8Array(4)).length;\n",
    values: { g: 'deferred' },
    spec: 'crypto',
    usage: 'deferred',
  },
  {
    name: 'a chain of reads (member of a value)',
    code: "const http2 = require('http2');\nconst { constants } = http2;\nconst PATH = constants.HTTP2_HEADER_PATH;\nexports.handler = async () => PATH;\n",
    values: { '{ constants }': 'deferred', PATH: 'deferred' },
    spec: 'http2',
    usage: 'deferred',
  },
  {
    name: 'read at init',
    code: "const http2 = require('http2');\nconst { constants } = http2;\nconsole.log(constants.NGHTTP2_SESSION_CLIENT);\nexports.handler = async () => constants;\n",
    values: { '{ constants }': 'init' },
    spec: 'http2',
    usage: 'init',
  },
  {
    name: 'a call is not a read (could act now, e.g. child_process)',
    code: "const crypto = require('crypto');\nconst h = crypto.createHash('sha256');\nexports.handler = async () => h.digest('hex');\n",
    values: {},
    spec: 'crypto',
    usage: 'init',
  },
  {
    name: 'a built-in the runtime loads anyway (fs)',
    code: "const fs = require('fs');\nconst { promises } = fs;\nexports.handler = async () => promises.readFile('x');\n",
    values: {},
    spec: 'fs',
    usage: 'init',
  },
  {
    name: 'computed key',
    code: "const http2 = require('http2');\nconst k = 'constants';\nconst c = http2[k];\nexports.handler = async () => c;\n",
    values: {},
    spec: 'http2',
    usage: 'init',
  },
  {
    name: 'ES module named import',
    isESM: true,
    code: "import { constants } from 'node:http2';\nconst { HTTP2_HEADER_PATH: P } = constants;\nexport const handler = async () => P;\n",
    values: { '{ P }': 'deferred' },
    spec: 'node:http2',
    usage: 'deferred',
  },
];

describe('lazy values reading a built-in', () => {
  test.each(builtinCases)('$name', ({ code, isESM, values, spec, usage }) => {
    const fb = analyzeFile('f.js', code, { isESM });
    expect(Object.fromEntries(fb.values.map((v) => [v.name, v.usage]))).toEqual(values);
    expect(fb.sites.find((s) => s.site.specifier === spec)!.site.usage).toBe(usage);
  });
});

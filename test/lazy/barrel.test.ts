// Barrel narrowing: which module defines each name a barrel re-exports (a table of barrel shapes), and
// the optimizer end to end on a fixture package whose barrel also re-exports a costly module.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it, test } from 'vitest';
import { barrelExports, ownExports } from '../../src/lang/js/analyze/barrel.js';
import { optimizeApp } from '../../src/pipeline.js';

const STAR = (v: string, spec: string) => `var ${v} = require("${spec}");
Object.keys(${v}).forEach(function (key) {
  if (key === "default" || key === "__esModule") return;
  if (key in exports && exports[key] === ${v}[key]) return;
  Object.defineProperty(exports, key, { enumerable: true, get: function () { return ${v}[key]; } });
});`;

const files: Record<string, string> = {
  'a.js': '"use strict";\nexports.a = a;\nfunction a() {}\nexports.shared = 1;\n',
  'b.js': '"use strict";\nexports.b = exports.bb = void 0;\nexports.b = 1;\nexports.bb = 2;\n',
  'c.js': '"use strict";\nexports.shared = 2;\n',
  'def.js': '"use strict";\nObject.defineProperty(exports, "__esModule", { value: true });\nexports.default = 5;\n',
  'whole.js': 'module.exports = { x: 1 };\n',
  'computed.js': 'exports[name] = 1;\nexports.y = 2;\n',
};
const input = (code: string) => ({
  code,
  resolve: (s: string) => (files[s.replace('./', '')] !== undefined ? s.replace('./', '') : undefined),
  readSource: (f: string) => files[f],
});
const names = (m: ReturnType<typeof barrelExports>) => (m ? Object.fromEntries([...m].map(([k, v]) => [k, `${v.file}:${v.name}`])) : undefined);

test.each([
  {
    name: "Babel's export *",
    code: `"use strict";\n${STAR('_a', './a.js')}\n${STAR('_b', './b.js')}`,
    want: { a: 'a.js:a', shared: 'a.js:shared', b: 'b.js:b', bb: 'b.js:bb' },
  },
  {
    name: "TypeScript's named re-exports of default",
    code: '"use strict";\nObject.defineProperty(exports, "__esModule", { value: true });\nexports.five = void 0;\nvar def_1 = require("./def.js");\nObject.defineProperty(exports, "five", { enumerable: true, get: function () { return def_1.default; } });\n',
    want: { five: 'def.js:default' },
  },
  {
    name: "TypeScript's __exportStar",
    code: 'var __exportStar = (this && this.__exportStar) || function () {};\n__exportStar(require("./b.js"), exports);\n',
    want: { b: 'b.js:b', bb: 'b.js:bb' },
  },
  { name: 'a name two modules define differently is left out', code: `${STAR('_a', './a.js')}\n${STAR('_c', './c.js')}`, want: { a: 'a.js:a' } },
  { name: 'code besides re-exports: not a barrel', code: `${STAR('_a', './a.js')}\nconsole.log("side effect");`, want: undefined },
  { name: 'a source that replaces module.exports', code: STAR('_w', './whole.js'), want: undefined },
  { name: 'a source with computed export names', code: STAR('_c', './computed.js'), want: undefined },
  { name: 'an unresolved source', code: STAR('_m', './missing.js'), want: undefined },
  { name: 'a bare specifier', code: STAR('_m', 'pkg'), want: undefined },
])('barrelExports: $name', ({ code, want }) => {
  expect(names(barrelExports(input(code)))).toEqual(want);
});

test('ownExports keeps getters a module defines itself (date-fns format.cjs re-exports its formatters)', () => {
  expect(
    [
      ...ownExports(
        'exports.format = exports.formatDate = f;\nObject.defineProperty(exports, "formatters", { get: function () { return _i.formatters; } });\nvar _i = require("./x");\nfunction f() {}\n',
      )!,
    ].sort(),
  ).toEqual(['format', 'formatDate', 'formatters']);
});

describe('optimize on a barrel package', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'fl-barrel-'));
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
  const app = path.join(tmp, 'app');
  fs.cpSync(path.resolve(__dirname, '../../fixtures/lazy/barrel-app'), app, { recursive: true });
  fs.renameSync(path.join(app, '_node_modules'), path.join(app, 'node_modules'));
  const events = ['big', 'small'].map((e) => path.join(app, 'events', `${e}.json`));

  it.each([false, true])('loads only the modules that define the names read (bundle %s), same outputs', async (bundle) => {
    const { job } = await optimizeApp({ input: app, out: path.join(tmp, `out-${bundle}`), handlers: ['handler.handler'], bundle, verifyEvents: events });
    const d = job.plan!.imports.find((x) => x.site.specifier === 'fns')!;
    expect(d.decision).toBe('lazy');
    expect(d.narrow).toEqual([
      { prop: 'add', file: 'node_modules/fns/add.js', name: 'add' },
      { prop: 'twice', file: 'node_modules/fns/twice.js', name: 'default' },
    ]);
    expect(job.verify!.ok).toBe(true);
    for (const e of job.verify!.events) {
      const loaded = (e.optimized.loadedAtInvoke ?? []).filter((f) => f.includes('fns/'));
      expect(loaded.sort()).toEqual(['node_modules/fns/add.js', 'node_modules/fns/twice.js']);
      expect(e.lazyLoads).toEqual(['handler.js:fns']);
    }
  });

  it('narrows a destructuring declaration the same way', async () => {
    const { job } = await optimizeApp({ input: app, out: path.join(tmp, 'out-destructure'), handlers: ['destructure.handler'], verifyEvents: events });
    const d = job.plan!.imports.find((x) => x.site.specifier === 'fns')!;
    expect(d.narrow?.map((n) => n.file)).toEqual(['node_modules/fns/add.js', 'node_modules/fns/twice.js']);
    expect(job.verify!.ok).toBe(true);
    for (const e of job.verify!.events)
      expect((e.optimized.loadedAtInvoke ?? []).filter((f) => f.includes('fns/')).sort()).toEqual(['node_modules/fns/add.js', 'node_modules/fns/twice.js']);
  });
});

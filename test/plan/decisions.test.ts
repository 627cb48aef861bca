// The decisions the plan makes for the rewrite, as tables: lazy values (and lazy imports the rewrite
// cannot apply), Python stubs and bundle units, each with its typed reason, all before anything is written.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { analyzeBindings } from '../../src/lang/js/analyze/bindings.js';
import { decideValues } from '../../src/lang/js/decide-values.js';
import { rewriteLazy } from '../../src/lang/js/transform/index.js';
import { analyzeApp } from '../../src/pipeline.js';
import { bundleApp } from '../../src/lang/js/bundle/index.js';
import { pythonNotApplied } from '../../src/lang/python/decide.js';
import { revertToEager } from '../../src/plan/plan.js';
import type { Plan } from '../../src/types.js';

/** Applies what the Python rewrite did not do to the plan, as the pipeline does. */
function applyPythonResult(
  plan: Plan,
  file: string,
  decisions: ImportDecision[],
  r: { changed: boolean; lazySites: string[]; stubbedLines: number[] },
  why: string,
): void {
  const missed = pythonNotApplied(plan, file, decisions, r, why);
  for (const { decision, reason } of missed.imports) revertToEager(decision, reason);
  for (const { stub, reason } of missed.stubs) Object.assign(stub, { decision: 'keep', reason });
}
import type { Diagnostic, ImportDecision, LazyMechanism } from '../../src/types.js';
import { repo } from '../graph/helpers.js';

const tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'faaslight-decisions-')));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** Each site of 'f.js' decided lazy, as the import plan would for a deferred use (usage is re-checked by the rewrite's own rules). */
function decide(code: string, opts: { isESM?: boolean; mechanism?: LazyMechanism; all?: boolean } = {}) {
  const { sites } = analyzeBindings('f.js', code, { isESM: opts.isESM });
  const imports: ImportDecision[] = sites
    .filter((s) => opts.all || s.usage === 'deferred')
    .map((site) => ({ site, decision: 'lazy', mechanism: opts.mechanism, reason: { code: 'deferred', text: site.usageReason } }));
  const diagnostics: Diagnostic[] = [];
  const r = decideValues({ imports, readSource: () => code, isESM: () => opts.isESM, diagnostics, preview: true });
  return { imports, diagnostics, ...r };
}

const H = '\nexports.handler = async () => c.send();\n';
interface ValueCase {
  name: string;
  code: string;
  isESM?: boolean;
  mechanism?: LazyMechanism;
  all?: boolean;
  /** name → [decision, reason code] of every value the plan lists. */
  values: Record<string, [string, string]>;
  /** specifier → [decision, reason code] of every import decision after the step. */
  imports: Record<string, [string, string]>;
}
const VALUES: ValueCase[] = [
  {
    name: 'an SDK client built at module scope, used in the handler',
    code: "const { C } = require('sdk');\nconst c = new C({ region: 'x' });" + H,
    values: { c: ['lazy', 'deferred-value'] },
    imports: { sdk: ['lazy', 'deferred'] },
  },
  {
    name: 'a chain: a value built from an earlier lazy value',
    code: "const sdk = require('sdk');\nconst base = new sdk.C();\nconst c = sdk.D.from(base, { x: true });" + H,
    values: { base: ['lazy', 'deferred-value'], c: ['lazy', 'deferred-value'] },
    imports: { sdk: ['lazy', 'deferred'] },
  },
  {
    name: 'an import decided lazy though a value built at init reads it: the rewrite cannot apply it, so the plan keeps it eager',
    code: "const { C } = require('sdk');\nconst c = new C();\nc.start();" + H,
    all: true,
    values: {},
    imports: { sdk: ['eager', 'not-rewritable'] },
  },
  {
    name: 'a value reading no lazy import is no decision',
    code: "const { C } = require('sdk');\nclass L {}\nconst c = new L();\nexports.handler = async () => [c, C];\n",
    values: {},
    imports: { sdk: ['lazy', 'deferred'] },
  },
  {
    name: 'ES module: the createRequire mechanism',
    isESM: true,
    code: "import { C } from 'sdk';\nconst c = new C({ a: 1 });\nexport const handler = async () => c.send();\n",
    values: { c: ['lazy', 'deferred-value'] },
    imports: { sdk: ['lazy', 'deferred'] },
  },
  {
    name: 'ES module: await import() cannot feed a module-scope value, so that import is not rewritable',
    isESM: true,
    mechanism: 'dynamic-import',
    code: "import { C } from 'sdk';\nconst c = new C({ a: 1 });\nexport const handler = async () => c.send();\n",
    values: {},
    imports: { sdk: ['eager', 'not-rewritable'] },
  },
  {
    name: 'a lazy import the rewrite cannot express turns eager in the plan',
    isESM: true,
    mechanism: 'create-require',
    code: "import * as ns from 'sdk';\nexport function handler() { return ns.x; }\n",
    values: {},
    imports: { sdk: ['eager', 'not-rewritable'] },
  },
  {
    name: 'a property of a deferrable built-in read at module scope',
    code: "const http2 = require('node:http2');\nconst { constants } = http2;\nexports.handler = async () => [constants.HTTP2_HEADER_PATH, http2.connect];\n",
    values: { '{ constants }': ['lazy', 'deferred-value'] },
    imports: { 'node:http2': ['lazy', 'deferred'] },
  },
];

describe('lazy values are decided in the plan', () => {
  test.each(VALUES)('$name', ({ code, isESM, mechanism, all, values, imports }) => {
    const r = decide(code, { isESM, mechanism, all });
    expect(Object.fromEntries(r.values.map((v) => [v.name, [v.decision, v.reason.code]]))).toEqual(values);
    expect(Object.fromEntries(r.imports.map((d) => [d.site.specifier, [d.decision, d.reason.code]]))).toEqual(imports);
    for (const v of r.values) expect(v.reason.text.length, v.name).toBeGreaterThan(0);
    expect(r.diagnostics).toEqual([]);
  });

  test('the reason says what the value reads and why it can wait', () => {
    const r = decide("const { C } = require('sdk');\nconst c = new C();" + H);
    expect(r.values).toEqual([
      {
        file: 'f.js',
        name: 'c',
        line: 2,
        deps: ['C'],
        decision: 'lazy',
        reason: { code: 'deferred-value', text: 'referenced only after init (line 3); reads C, made lazy: built at first use', parent: 'f.js' },
      },
    ]);
  });

  test('the rewrite builds exactly the values the plan decided, and the preview is its output', () => {
    const code = "const sdk = require('sdk');\nconst base = new sdk.C();\nconst c = sdk.D.from(base);" + H;
    const r = decide(code);
    const lazy = r.imports.filter((d) => d.decision === 'lazy');
    const all = rewriteLazy('f.js', code, lazy, { values: r.values });
    expect(all.values).toEqual([
      { name: 'base', line: 2 },
      { name: 'c', line: 3 },
    ]);
    expect(all.code).toBe(r.rewritten.get('f.js'));
    // Decided eager in the plan: the rewrite leaves it as written.
    const one = rewriteLazy('f.js', code, lazy, { values: r.values.map((v) => (v.name === 'c' ? { ...v, decision: 'eager' as const } : v)) });
    expect(one.values).toEqual([{ name: 'base', line: 2 }]);
    expect(one.code).toContain('\nconst c = __fl_sdk().D.from(__fl_base());\n');
  });

  test('a stale decision is skipped by the rewrite with its reason, not applied', () => {
    const code = "const { C } = require('sdk');\nconst c = new C();" + H;
    const r = decide(code);
    // The value moved a line down since the plan: the import still applies, the value stays as written.
    const moved = rewriteLazy('f.js', code.replace('\nconst c', '\n\nconst c'), r.imports, { values: r.values });
    expect(moved.applied).toEqual(['f.js#0']);
    expect(moved.values).toEqual([]);
    expect(moved.skippedValues).toEqual([{ name: 'c', line: 2, reason: 'no value c reading a lazy import at line 2 in the current code' }]);
    // The import moved: nothing applies.
    const shifted = rewriteLazy('f.js', `\n${code}`, r.imports, { values: r.values });
    expect(shifted.skipped).toEqual([{ id: 'f.js#0', reason: "no import of 'sdk' at 0-29 in the current code" }]);
    expect(shifted.skippedValues.map((v) => v.name)).toEqual(['c']);
  });

  test('a file that does not parse: its lazy imports turn eager in the plan, with FL202', () => {
    const good = "const { C } = require('sdk');\nexports.handler = async () => C;\n";
    const { sites } = analyzeBindings('f.js', good);
    const imports: ImportDecision[] = sites.map((site) => ({ site, decision: 'lazy', reason: { code: 'deferred', text: '' } }));
    const diagnostics: Diagnostic[] = [];
    decideValues({ imports, readSource: () => 'const = ;', isESM: () => false, diagnostics });
    expect(imports.map((d) => [d.decision, d.reason.code])).toEqual([['eager', 'parse-error']]);
    expect(diagnostics.map((d) => d.id)).toEqual(['FL202']);
  });
});

/** Writes a tiny app from a file table. */
function app(name: string, files: Record<string, string>): string {
  const dir = path.join(tmp, name);
  for (const [f, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
    fs.writeFileSync(path.join(dir, f), text);
  }
  return dir;
}

const BODY = '    x = 1\n    y = x + 1\n    z = y * 2\n    return z\n';
interface StubCase {
  name: string;
  files: Record<string, string>;
  /** "file:line qualname" → [decision, reason code] of every stub decision. */
  stubs: Record<string, [string, string]>;
}
const STUBS: StubCase[] = [
  {
    name: 'a library function no reached code names',
    files: { 'handler.py': 'import lib\n\ndef handler(event, context):\n    return lib.used()\n', 'lib.py': `def used():\n${BODY}\ndef spare():\n${BODY}` },
    stubs: { 'lib.py:7 spare': ['stub', 'unreached-function'] },
  },
  {
    name: 'a method of a class nothing calls by that name',
    files: {
      'handler.py': 'import lib\n\ndef handler(event, context):\n    return lib.K().go()\n',
      'lib.py': `class K:\n    def go(self):\n        return 1\n\n    def rare(self):\n${BODY.replace(/^/gm, '    ')}`,
    },
    stubs: { 'lib.py:5 K.rare': ['stub', 'unreached-function'] },
  },
  {
    name: 'a function the handler file defines is never stubbed (the handler module is an entry)',
    files: { 'handler.py': `def handler(event, context):\n    return 1\n\ndef spare():\n${BODY}` },
    stubs: {},
  },
  {
    name: 'a function reached through a name in reached code',
    files: { 'handler.py': 'import lib\n\ndef handler(event, context):\n    return getattr(lib, "spare")()\n', 'lib.py': `def spare():\n${BODY}` },
    stubs: {},
  },
];

describe('Python stubs are decided in the plan', () => {
  test.each(STUBS)('$name', async ({ name, files, stubs }) => {
    const dir = app(`py-${STUBS.findIndex((c) => c.name === name)}`, files);
    const job = await analyzeApp({ input: dir, handlers: ['handler.handler'] });
    expect(Object.fromEntries((job.plan!.stubs ?? []).map((s) => [`${s.file}:${s.line} ${s.qualname}`, [s.decision, s.reason.code]]))).toEqual(stubs);
  });

  test('--no-stubs: no stub decisions', async () => {
    const job = await analyzeApp({ input: path.join(tmp, 'py-0'), handlers: ['handler.handler'], stubs: false });
    expect(job.plan!.stubs).toEqual([]);
  });
});

/** Copies fixtures/bundle/<name> (with `_node_modules` → `node_modules`). */
function bundleFixture(name: string): string {
  const dest = path.join(tmp, `bundle-${name}`);
  fs.cpSync(path.join(repo, 'fixtures/bundle', name), dest, { recursive: true });
  for (const dir of fs.readdirSync(dest, { recursive: true }) as string[])
    if (path.basename(dir) === '_node_modules') fs.renameSync(path.join(dest, dir), path.join(dest, path.dirname(dir), 'node_modules'));
  return dest;
}

interface UnitCase {
  name: string;
  /** root → [reason code, files] of every unit. */
  units: Record<string, [string, string[]]>;
  /** Reason codes of some files that stay files. */
  stays: Record<string, string>;
  anchored?: string[];
}
const UNITS: UnitCase[] = [
  {
    name: 'dynamic',
    units: {
      'handler.js': [
        'handler-unit',
        ['handler.js', 'lib/format.js', 'node_modules/registry/index.js', 'node_modules/registry/loader.js', 'node_modules/registry/state.js'],
      ],
      'node_modules/locator/index.js': ['lazy-unit', ['node_modules/locator/base.js', 'node_modules/locator/index.js']],
    },
    stays: { 'node_modules/greeter/index.js': 'dynamic-request', 'node_modules/greeter/locales/fr.js': 'on-demand' },
    anchored: ['node_modules/registry/loader.js'],
  },
  {
    name: 'strict',
    units: { 'handler.js': ['handler-unit', ['handler.js', 'lib/util.js']] },
    stays: { 'node_modules/legacy/index.js': 'sloppy' },
  },
  {
    name: 'dirname',
    units: {
      'handler.js': ['handler-unit', ['handler.js', 'node_modules/wordlist/lib/index.js', 'src/render.js']],
      'node_modules/slugger/index.js': ['lazy-unit', ['node_modules/slugger/index.js', 'node_modules/slugger/lib/table.js']],
    },
    stays: {},
  },
];

describe('bundle units are decided in the plan (with --bundle), before the rewrite', () => {
  test.each(UNITS)('$name', async ({ name, units, stays, anchored = [] }) => {
    const job = await analyzeApp({ input: bundleFixture(name), handlers: ['handler.handler'], bundle: true });
    const plan = job.plan!.units!;
    expect(Object.fromEntries(plan.units.map((u) => [u.root, [u.reason.code, u.files]]))).toEqual(units);
    for (const [file, code] of Object.entries(stays)) expect(plan.unbundled[file]?.code, file).toBe(code);
    expect(plan.anchored).toEqual(anchored);
  });

  test('without --bundle there are no unit decisions', async () => {
    const job = await analyzeApp({ input: path.join(tmp, 'bundle-strict'), handlers: ['handler.handler'] });
    expect(job.plan!.units).toBeUndefined();
  });
});

describe('the stages after the plan only re-check it', () => {
  test('bundle: units decided on code that is no longer there are decided again on the actual code', async () => {
    const dir = path.join(tmp, 'bundle-strict');
    const job = await analyzeApp({ input: dir, handlers: ['handler.handler'], bundle: true });
    const fresh = structuredClone(job.plan!.units!);
    const readSource = (f: string) => fs.readFileSync(path.join(dir, f), 'utf8');
    // A plan whose unit no longer matches the code: with `stale`, the bundle stage does not trust it.
    job.plan!.units = { ...fresh, units: fresh.units.map((u) => ({ ...u, files: [u.root] })) };
    const r = await bundleApp(job, new Map(), { nodeVersion: '20.19.0', readSource, stale: true });
    expect(job.plan!.units).toEqual(fresh);
    expect(r.units.map((u) => [u.root, u.files])).toEqual(fresh.units.map((u) => [u.root, u.files]));
    // Not stale: the plan's units are what gets built.
    job.plan!.units = { ...fresh, units: [] };
    expect((await bundleApp(job, new Map(), { nodeVersion: '20.19.0', readSource })).units).toEqual([]);
  });

  test('Python: what the transform did not apply is read from its result as data, and turns eager / kept whole', async () => {
    const dir = path.join(tmp, 'py-0');
    const job = await analyzeApp({ input: dir, handlers: ['handler.handler'] });
    const plan = structuredClone(job.plan!);
    const lazy = plan.imports.filter((d) => d.decision === 'lazy' && d.site.file === 'handler.py');
    expect(lazy.map((d) => d.site.specifier)).toEqual(['lib']);
    applyPythonResult(plan, 'handler.py', lazy, { changed: true, lazySites: [lazy[0].site.id], stubbedLines: [] }, '');
    expect(lazy[0].decision).toBe('lazy');
    applyPythonResult(plan, 'handler.py', lazy, { changed: true, lazySites: [], stubbedLines: [] }, '');
    expect([lazy[0].decision, lazy[0].reason.code]).toEqual(['eager', 'rewrite-skipped']);
    const stub = plan.stubs!.find((s) => s.file === 'lib.py')!;
    expect(stub.decision).toBe('stub');
    applyPythonResult(plan, 'lib.py', [], { changed: true, lazySites: [], stubbedLines: [] }, '');
    expect([stub.decision, stub.reason.code]).toEqual(['keep', 'rewrite-skipped']);
    const failed = structuredClone(job.plan!);
    applyPythonResult(failed, 'lib.py', [], { changed: false, lazySites: [], stubbedLines: [stub.line] }, 'the file was kept as is (x)');
    expect(failed.stubs!.filter((s) => s.file === 'lib.py').map((s) => [s.decision, s.reason.code, s.reason.text])).toEqual([
      ['keep', 'rewrite-failed', 'the file was kept as is (x)'],
    ]);
    const applied = structuredClone(job.plan!);
    applyPythonResult(applied, 'lib.py', [], { changed: true, lazySites: [], stubbedLines: [stub.line] }, '');
    expect(applied.stubs).toEqual(job.plan!.stubs);
  });
});

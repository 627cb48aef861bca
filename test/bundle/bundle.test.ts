// Bundle mode on the cases that break a plain bundler: each fixture app is optimized with --bundle and
// run against the original on its events (identical outputs), the plain esbuild variant of `compare` is
// built too and shown to break on the same fixture (so the case really is a bundler failure case), and
// the bundle plan is asserted whole: which files went into which bundle, and why the others stayed.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { optimizeApp } from '../../src/pipeline.js';
import { buildPlainBundle } from '../../src/compare/esbuild-plain.js';
import { verify } from '../../src/verify/index.js';
import { positionalUse } from '../../src/lang/js/bundle/index.js';
import { readFallbackIndex } from '../../src/package/index.js';
import { cleanEnv } from '../../src/util/env.js';
import { lambdaV8Flags } from '../../src/sandbox/index.js';
import { repo } from '../graph/helpers.js';

const tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'faaslight-bundle-')));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** Copies fixtures/bundle/<name> (with `_node_modules` → `node_modules`) and returns the copy. */
function fixture(name: string, as = name): string {
  const dest = path.join(tmp, as);
  fs.cpSync(path.join(repo, 'fixtures/bundle', name), dest, { recursive: true });
  for (const dir of fs.readdirSync(dest, { recursive: true }) as string[])
    if (path.basename(dir) === '_node_modules') fs.renameSync(path.join(dest, dir), path.join(dest, path.dirname(dir), 'node_modules'));
  if (name === 'native') {
    // Real packages with real prebuilt addons: the repository's own tree-sitter dependencies.
    for (const pkg of ['tree-sitter', 'tree-sitter-python', 'node-gyp-build'])
      fs.cpSync(path.join(repo, 'node_modules', pkg), path.join(dest, 'node_modules', pkg), {
        recursive: true,
        filter: (src) => !/prebuilds[\\/](?!linux-x64)[^\\/]+$/.test(src),
      });
  }
  return dest;
}

const events = (dir: string) =>
  fs
    .readdirSync(path.join(dir, 'events'))
    .sort()
    .map((e) => path.join(dir, 'events', e));

interface Case {
  name: string;
  /** Files bundled into the handler's bundle (root included). */
  handlerUnit: string[];
  /** Reason code of some files that stay files. */
  stays: Record<string, string>;
  /** Bundled files that also stay on disk, one instance through require.cache. */
  registered?: string[];
  /** Bundles of lazily loaded packages: root → files. */
  lazyUnits?: Record<string, string[]>;
  /** Bundled files whose computed requests resolve from their original path. */
  anchored?: string[];
}

const CASES: Case[] = [
  {
    name: 'dynamic',
    // loader.js's `require(name)` is anchored to its own path; greeter's partly known path stays a file.
    handlerUnit: ['handler.js', 'lib/format.js', 'node_modules/registry/index.js', 'node_modules/registry/loader.js', 'node_modules/registry/state.js'],
    // locator (a lazy value's package) is kept whole for an unknown require.resolve only: its own bundle,
    // whose root keeps its place (so its require.resolve needs no anchor), and nothing registered.
    lazyUnits: { 'node_modules/locator/index.js': ['node_modules/locator/base.js', 'node_modules/locator/index.js'] },
    stays: {
      'node_modules/greeter/index.js': 'dynamic-request',
      'node_modules/greeter/locales/fr.js': 'on-demand',
      'node_modules/greeter/plugins/shout.js': 'on-demand',
    },
    registered: ['node_modules/registry/index.js', 'node_modules/registry/loader.js', 'node_modules/registry/state.js'],
    anchored: ['node_modules/registry/loader.js'],
  },
  {
    name: 'dirname',
    handlerUnit: ['handler.js', 'node_modules/wordlist/lib/index.js', 'src/render.js'],
    stays: {},
    lazyUnits: { 'node_modules/slugger/index.js': ['node_modules/slugger/index.js', 'node_modules/slugger/lib/table.js'] },
  },
  {
    name: 'conditions',
    handlerUnit: ['handler.js', 'node_modules/dual/cjs/index.js', 'node_modules/dual/feature/node.js'],
    stays: {},
  },
  {
    // The root's "use strict" is carried by the banner; the sloppy-mode dependency stays a file.
    name: 'strict',
    handlerUnit: ['handler.js', 'lib/util.js'],
    stays: { 'node_modules/legacy/index.js': 'sloppy' },
  },
  {
    name: 'native',
    handlerUnit: ['handler.js', 'summary.js'],
    stays: { 'node_modules/tree-sitter/index.js': 'dynamic-request', 'node_modules/tree-sitter-python/bindings/node/index.js': 'dynamic-request' },
  },
];

describe('optimize --bundle on the cases that break a plain bundler', () => {
  for (const c of CASES) {
    it(`${c.name}: identical outputs, bundle plan as expected, plain esbuild breaks`, async () => {
      const app = fixture(c.name);
      const out = path.join(tmp, `${c.name}.opt`);
      const { job } = await optimizeApp({ input: app, out, handlers: ['handler.handler'], bundle: true, verifyEvents: events(app) });
      expect(job.verify!.events.map((e) => [e.event, e.identical, e.original.ok, e.fallbackLoads])).toEqual(
        events(app).map((e) => [path.basename(e), true, true, []]),
      );
      const units = job.bundle!.units.map((u) => ({ root: u.root, files: u.files }));
      expect(units).toEqual([{ root: 'handler.js', files: c.handlerUnit }, ...Object.entries(c.lazyUnits ?? {}).map(([root, files]) => ({ root, files }))]);
      for (const [file, code] of Object.entries(c.stays)) expect(job.bundle!.unbundled[file]?.code, file).toBe(code);
      expect(job.bundle!.registered).toEqual(c.registered ?? []);
      expect(job.bundle!.anchored).toEqual(c.anchored ?? []);
      // Bundled files leave the package for the fallback store; files that stay are still there.
      const index = await readFallbackIndex(out);
      const roots = new Set(units.map((u) => u.root));
      for (const f of units.flatMap((u) => u.files).filter((f) => !roots.has(f) && !c.registered?.includes(f))) {
        expect(fs.existsSync(path.join(out, f)), f).toBe(false);
        expect(index?.files[f], f).toBeDefined();
      }
      for (const f of [...Object.keys(c.stays), ...(c.registered ?? [])]) expect(fs.existsSync(path.join(out, f)), f).toBe(true);
      if (c.name === 'dynamic') expect(job.verify!.events.map((e) => (e.optimized.output as { sameInstance: boolean }).sameInstance)).toEqual([true, true]);
      if (c.name === 'dirname') {
        // A built-in required at the top of a bundled package file and used only by the handler is required
        // at first use inside the bundle.
        const lazy = job
          .plan!.imports.filter((d) => d.decision === 'lazy' && !d.target)
          .map((d) => [d.site.file, d.site.specifier, d.mechanism, d.reason.code]);
        expect(lazy).toEqual([['node_modules/wordlist/lib/index.js', 'node:zlib', 'require', 'deferred-builtin']]);
        const bundle = fs.readFileSync(path.join(out, 'handler.js'), 'utf8');
        expect(bundle).toMatch(/if \(!__fl_zlib_cache\) __fl_zlib_cache = \{ v: require\("node:zlib"\) \}/);
        expect(bundle).not.toMatch(/^\s*(?:const|var|let) zlib = require\("node:zlib"\)/m);
      }

      const plain = path.join(tmp, `${c.name}.esbuild`);
      const built = await buildPlainBundle(job.app!, plain, 20);
      if (built.ok) {
        const v = await verify(app, plain, job.app!.handlers, events(app));
        expect(v.ok, 'plain esbuild bundle should break on this fixture').toBe(false);
      } else expect(built.error).toBeTruthy();
    });
  }

  it('the CLI writes a bundle that runs where it is deployed (zip round trip through the real loader)', () => {
    const app = fixture('dirname', 'dirname-cli');
    const out = path.join(tmp, 'dirname-cli.opt');
    const r = spawnSync(
      process.execPath,
      [
        path.join(repo, 'bin/faaslight.js'),
        'optimize',
        app,
        '--out',
        out,
        '--handler',
        'handler.handler',
        '--bundle',
        '--verify',
        path.join(app, 'events/*.json'),
      ],
      {
        encoding: 'utf8',
        env: cleanEnv(),
      },
    );
    expect(r.stderr + r.stdout).toMatch(/verify: outputs identical/);
    expect(r.status).toBe(0);
    expect(fs.readFileSync(path.join(out, 'handler.js'), 'utf8')).toMatch(/__faaslightRoot/);
  });
});

describe('optimize --bundle on an ES module handler', () => {
  it('requires the shim after the bundle defines require (no ESM translation of shim.cjs); it is installed before the bundle runs', async () => {
    const app = fixture('esm');
    const out = path.join(tmp, 'esm.opt');
    const { job } = await optimizeApp({ input: app, out, handlers: ['handler.handler'], bundle: true, verifyEvents: events(app) });
    expect(job.verify!.events.map((e) => [path.basename(e.event), e.identical])).toEqual([
      ['a.json', true],
      ['b.json', true],
    ]);
    expect(job.bundle!.units.map((u) => [u.root, u.format, u.staticImports])).toEqual([['handler.js', 'esm', false]]);
    const lines = fs.readFileSync(path.join(out, 'handler.js'), 'utf8').split('\n');
    expect(lines[0]).toContain('const require = __faaslightCreateRequire(import.meta.url);');
    expect(lines[1]).toBe("require('./.faaslight/shim.cjs'); // faaslight: restores stripped files on demand");
    expect(lines.some((l) => l.startsWith('import ') && l.includes('shim.cjs'))).toBe(false);
    // A bundled file asked for by path finds the store: the shim wraps the resolver by then.
    const probe = `const M = (await import('node:module')).default;
      await import(${JSON.stringify(path.join(out, 'handler.js'))});
      const inc = M.createRequire(${JSON.stringify(path.join(out, 'handler.js'))})('./node_modules/counter/lib/inc.js');
      console.log(JSON.stringify({ resolver: M._resolveFilename.name, inc: inc(2, 3) }));`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', probe], {
      encoding: 'utf8',
      env: cleanEnv({ FAASLIGHT_FALLBACK_DIR: path.join(tmp, 'esm-mirror') }),
    });
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ resolver: 'faaslightResolveFilename', inc: 5 });
    expect(r.stderr).toContain('faaslight: fallback load node_modules/counter/lib/inc.js');
  });
});

describe('optimize --bundle --code-cache', () => {
  it('handler, lazily loaded bundle, lazily loaded single file and an on-demand file become stubs running their code with V8 cached data: same outputs, caches accepted', async () => {
    const app = fixture('cache');
    const out = path.join(tmp, 'cache.opt');
    const { job } = await optimizeApp({ input: app, out, handlers: ['handler.handler'], bundle: true, codeCache: true, verifyEvents: events(app) });
    expect(job.verify!.events.map((e) => [path.basename(e.event), e.identical, e.lazyLoads])).toEqual([
      ['both.json', true, ['handler.js:pair', 'handler.js:single']],
      ['none.json', true, []],
    ]);
    const roots = ['handler.js', 'node_modules/pair/index.js', 'node_modules/single/index.js', 'lib/big.js'];
    expect(job.bundle!.codeCache!.map((c) => [c.handler, c.kind, c.ok, c.ran])).toEqual([
      [roots[0], 'handler', true, true],
      [roots[1], 'lazy', true, true],
      [roots[2], 'lazy', true, true],
      [roots[3], 'file', true, true],
    ]);
    expect(job.bundle!.unbundled['lib/big.js']?.code).toBe('on-demand');
    expect(fs.readFileSync(path.join(out, 'handler.js'), 'utf8')).toContain('require(\'path\').join(__dirname, ".faaslight/bundle/handler.js")');
    expect(fs.readFileSync(path.join(out, roots[2]), 'utf8')).toContain(`require('path').join(__dirname, "../../.faaslight/bundle/${roots[2]}")`);
    expect(fs.readFileSync(path.join(out, roots[3]), 'utf8')).toContain(`require('path').join(__dirname, "../.faaslight/bundle/${roots[3]}")`);
    const check = `const vm = require('vm'), fs = require('fs'), M = require('module');
      const s = new vm.Script(M.wrap(fs.readFileSync(process.argv[1], 'utf8')), { filename: 'x', cachedData: fs.readFileSync(process.argv[1] + '.cache'), importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER });
      process.stdout.write(String(s.cachedDataRejected));`;
    // Accepted under the V8 flags Lambda starts Node with (those the cache was made under), rejected without.
    for (const root of roots) {
      const run = (flags: string[]) =>
        spawnSync(process.execPath, [...flags, '-e', check, path.join(out, '.faaslight/bundle', root)], { encoding: 'utf8', env: cleanEnv() }).stdout;
      expect(run(lambdaV8Flags()), root).toBe('false');
      expect(run([]), root).toBe('true');
    }
  });

  it('the handlers run on the events before the caches are written: what an invoke compiles is cached too', async () => {
    const app = fixture('cache', 'cache-warm');
    const sizes = async (verifyEvents: string[], as: string) => {
      const { job } = await optimizeApp({ input: app, out: path.join(tmp, as), handlers: ['handler.handler'], bundle: true, codeCache: true, verifyEvents });
      return Object.fromEntries(job.bundle!.codeCache!.map((c) => [c.handler, c.bytes!]));
    };
    const cold = await sizes([], 'cache-cold.opt');
    const warm = await sizes(events(app), 'cache-warm.opt');
    // lib/big.js is required only by an invoke: without events it is never loaded, so it has no cache and
    // stays as it was.
    expect(cold['lib/big.js']).toBeUndefined();
    expect(fs.readFileSync(path.join(tmp, 'cache-cold.opt/lib/big.js'), 'utf8')).toBe(fs.readFileSync(path.join(app, 'lib/big.js'), 'utf8'));
    expect(warm['lib/big.js']).toBeGreaterThan(0);
    // pair's and single's functions ran only in the invoke: their bytecode is in the warm caches alone.
    expect(warm['node_modules/pair/index.js']).toBeGreaterThan(cold['node_modules/pair/index.js']);
    expect(warm['node_modules/single/index.js']).toBeGreaterThan(cold['node_modules/single/index.js']);
  });
});

describe('positionalUse: code that means something else inside a bundle', () => {
  const table: [string, string | undefined][] = [
    ['const x = require("x");', undefined],
    ['/* global define, require */ var a = require("a");', undefined],
    ['if (typeof require !== "undefined" && require.extensions) {}', undefined],
    ['const o = { require: 1, x: obj.require };', undefined],
    ['const msg = "require.resolve is not used here";', undefined],
    ['const p = require.resolve("./x");', 'require.resolve'],
    ['delete require.cache[k];', 'require.cache'],
    ['const r = require; r(name);', 'require as a value'],
    ['if (module.parent) {}', 'module.parent'],
    ['eval("1")', 'direct eval'],
    ['obj.eval("1")', undefined],
    ['Module._load("x")', 'Module._load'],
  ];
  for (const [code, expected] of table) it(code, () => expect(positionalUse(code, false, false)).toBe(expected));
  it('import.meta is positional except in the root', () => {
    expect(positionalUse('const u = import.meta.url;', true, false)).toBe('import.meta');
    expect(positionalUse('const u = import.meta.url;', true, true)).toBeUndefined();
  });
});

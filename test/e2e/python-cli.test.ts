// The CLI on the small Python fixture app (fixtures/python/app1): analyze, why, optimize --verify with a
// lazy import, a stub and a stripped module each loaded for real, usage errors, input untouched.
import { createHash } from 'node:crypto';
import fs, { promises as fsp } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Plan } from '../../src/types.js';
import { cleanupTmp, tmpDir } from '../python/helpers.js';
import { cli, invoke, optimizeJson, ROOT } from './python-helpers.js';

const APP = path.join(ROOT, 'fixtures/python/app1');
const H = ['--handler', 'handler.handler'];

function treeHash(dir: string): string {
  const h = createHash('sha256');
  for (const f of (fs.readdirSync(dir, { recursive: true }) as string[]).sort()) {
    const p = path.join(dir, f);
    if (fs.statSync(p).isFile()) h.update(f).update(fs.readFileSync(p));
  }
  return h.digest('hex');
}

describe('faaslight CLI on a Python fixture app', () => {
  let events: string;
  const before = treeHash(APP);
  beforeAll(async () => {
    events = await tmpDir('events');
    const write = (n: string, e: unknown) => fsp.writeFile(path.join(events, `${n}.json`), JSON.stringify(e));
    await write('common', { n: 5 });
    await write('stub', { n: 1, fn: 'write_global:7' });
    await write('stripped', { n: 2, module: 'vlib.unused_mod' });
  });

  test('analyze --json: lazy imports (stand-ins), stubs and stripped files, each with its reason', async () => {
    const r = await cli(['analyze', APP, ...H, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const s = JSON.parse(r.stdout) as { app: { runtime: string }; counts: Record<string, number>; plan: Plan };
    expect(s.app.runtime).toBe('python');
    const lazy = s.plan.imports.filter((d) => d.decision === 'lazy' && d.site.file === 'handler.py');
    expect(lazy.map((d) => [d.site.line, d.site.specifier, d.mechanism, d.reason.code])).toEqual([
      [5, 'json', 'stand-in', 'deferred'],
      [6, 'heavy', 'stand-in', 'deferred'],
      [7, 'pkg.sub.mod', 'stand-in', 'deferred'],
      [8, 'heavy', 'stand-in', 'deferred'],
      [9, 'vlib', 'stand-in', 'deferred'],
      [10, 'importlib', 'stand-in', 'deferred'],
    ]);
    expect(s.counts.stubbed).toBe(10);
    const strip = s.plan.files.filter((f) => f.decision === 'strip').map((f) => [f.file, f.reason.code]);
    expect(strip).toEqual([
      ['vendor/spare/__init__.py', 'unreached'],
      ['vendor/vlib/tests/__init__.py', 'unreached'],
      ['vendor/vlib/tests/test_core.py', 'unreached'],
      ['vendor/vlib/unused_mod.py', 'unreached'],
    ]);
    // Metadata and data files of a reached package stay.
    const kept = new Map(s.plan.files.map((f) => [f.file, f.reason.code]));
    // importlib.import_module(<computed>) in the handler: every app module stays.
    expect(kept.get('broken.py')).toBe('opaque-package');
    expect(kept.get('vendor/vlib-1.0.dist-info/METADATA')).toBe('metadata');
    expect(kept.get('vendor/vlib/data.json')).toBe('asset');
  }, 60_000);

  test('--trace: a module the handler imports by a computed name for an event is kept', async () => {
    const r = await cli(['analyze', APP, ...H, '--trace', path.join(events, 'stripped.json'), '--json']);
    expect(r.code, r.stderr).toBe(0);
    const s = JSON.parse(r.stdout) as { plan: Plan; timings: { stage: string }[] };
    expect(s.plan.files.find((f) => f.file === 'vendor/vlib/unused_mod.py')).toMatchObject({ decision: 'keep', reason: { code: 'trace' } });
    expect(s.timings.map((t) => t.stage)).toEqual(['load', 'analyze', 'trace', 'plan']);
  }, 60_000);

  test('why: a stripped file and a lazy import, back to the handler', async () => {
    const f = await cli(['why', APP, 'vendor/vlib/core.py', ...H]);
    expect(f.code, f.stderr).toBe(0);
    expect(f.stdout).toBe(
      [
        'vendor/vlib/core.py: keep — from . import core (line 3)',
        '  ← vendor/vlib/__init__.py  [import] from . import core (line 3)',
        '    ← handler.py  [import] import vlib (line 9)',
        '      ← handler.py  [handler] handler module',
        "vendor/vlib/__init__.py:3 esm-named '.': eager — core is used as a plain value in call_dynamic, line 16: a lazy stand-in cannot replace it exactly",
        "vendor/vlib/__init__.py:4 esm-named '.core': eager — globals() at line 16 reads the module namespace dynamically",
        '',
      ].join('\n'),
    );
    const i = await cli(['why', APP, 'heavy', ...H]);
    expect(i.stdout.split('\n').filter(Boolean)).toEqual([
      "handler.py:6 esm-namespace 'heavy': lazy (stand-in) — heavy is used only inside functions that do not run at import time (first: line 16)",
      "handler.py:8 esm-named 'heavy': lazy (stand-in) — heavy_compute is used only inside functions that do not run at import time (first: line 17)",
    ]);
    const none = await cli(['why', APP, 'nothing/here.py', ...H]);
    expect(none.code).toBe(1);
  }, 60_000);

  test('optimize --verify --precompile: same outputs; the stub and the stripped module come back with a logged line', async () => {
    const out = path.join(await tmpDir('out'), 'app1.opt');
    const s = await optimizeJson([APP, ...H, '--out', out, '--verify', path.join(events, '*.json'), '--precompile']);
    expect(s.verify!.ok).toBe(true);
    expect(s.verify!.events.map((e) => [e.event, e.identical, e.fallbackLoads])).toEqual([
      ['common.json', true, []],
      ['stripped.json', true, ['vendor/vlib/unused_mod.py']],
      ['stub.json', true, ['vendor/vlib/__init__.py']],
    ]);
    // The harness reports the package modules first loaded by the event: the stand-ins resolved for real.
    expect(new Set(s.verify!.events[0].lazyLoads)).toEqual(new Set(['handler.py:heavy', 'handler.py:pkg.sub.mod', 'handler.py:vlib']));
    expect(s.timings.map((t) => t.stage)).toEqual(['load', 'analyze', 'plan', 'transform', 'precompile', 'package', 'verify']);
    expect(s.package!.after.files).toBeLessThan(s.package!.before.files + 20);
    // The zip holds the shim, the store and byte code compiled for the target (unchecked hash: PEP 552 flags 0b01).
    const pyc = fs.readFileSync(path.join(out, 'heavy/__pycache__/__init__.cpython-311.pyc'));
    expect(pyc.readUInt32LE(4)).toBe(0b01);
    expect(fs.existsSync(path.join(out, '.faaslight/_faaslight.py'))).toBe(true);
    expect(fs.existsSync(`${out}.zip`)).toBe(true);
    // The harness takes a task root relative to its working folder.
    const r = invoke(path.basename(out), 'handler.handler', path.join(events, 'common.json'), path.dirname(out));
    expect(r).toMatchObject({ ok: true, output: { heavy: 42, lib: 11 } });
  }, 120_000);

  test('bad input: a missing handler module is a usage error (exit 2); the input is never modified', async () => {
    const r = await cli(['optimize', APP, '--handler', 'nope.handler', '--out', path.join(await tmpDir('out'), 'x')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/nope/);
    expect(treeHash(APP)).toBe(before);
  }, 60_000);
});

afterAll(cleanupTmp);

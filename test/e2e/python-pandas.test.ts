// The CLI on corpus app App3 (Debian's pandas + numpy vendored, scripts/test-setup.mjs): optimize
// --verify on every event; the handler's imports become lazy stand-ins that load for real at the first
// event; the optimized outputs equal the committed expected outputs.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { OptimizeSummary } from '../../src/report/summary.js';
import { cleanupTmp, tmpDir } from '../python/helpers.js';
import { invoke, loadedModules, optimizeJson, ROOT, vendored } from './python-helpers.js';

const APP = path.join(ROOT, 'apps/App3');

describe.skipIf(!vendored('App3'))('optimize App3 (vendored Debian pandas) through the CLI', () => {
  let base: string;
  let out: string;
  let s: OptimizeSummary;
  beforeAll(async () => {
    base = await tmpDir('e2e-pandas');
    out = path.join(base, 'App3.opt');
    s = await optimizeJson([APP, '--out', out, '--verify', path.join(APP, 'events/*.json')]);
  }, 600_000);

  test('same outcome on every event, nothing loaded from the fallback store', () => {
    expect(s.verify!.ok).toBe(true);
    expect(s.verify!.events.map((e) => [e.event, e.identical, e.fallbackLoads])).toEqual([
      ['group-csv.json', true, []],
      ['hello.json', true, []],
    ]);
    for (const e of s.verify!.events) expect(e.lazyLoads).toEqual(expect.arrayContaining(['lambda_function.py:numpy', 'lambda_function.py:pandas']));
    expect(s.package!.after.files).toBeLessThan(s.package!.before.files);
    expect(s.package!.after.zipBytes).toBeLessThan(s.package!.before.zipBytes);
  });

  test('json, numpy and pandas are lazy in the handler; nothing of pandas loads at init, all of it at the first event', () => {
    const lazy = s.heaviestLazy.filter((l) => l.file === 'lambda_function.py').map((l) => [l.line, l.specifier, l.mechanism]);
    expect(lazy.sort()).toEqual([
      [2, 'json', 'stand-in'],
      [4, 'numpy', 'stand-in'],
      [5, 'pandas', 'stand-in'],
    ]);
    const event = JSON.parse(fs.readFileSync(path.join(APP, 'events/group-csv.json'), 'utf8'));
    const watch = ['numpy', 'pandas', 'pandas.io.formats.csvs'];
    const mirror = path.join(base, 'mirror');
    expect(loadedModules(APP, 'lambda_function', 'lambda_handler', event, watch, mirror)).toEqual({ init: ['numpy', 'pandas'], after: watch });
    expect(loadedModules(out, 'lambda_function', 'lambda_handler', event, watch, mirror)).toEqual({ init: [], after: watch });
    expect(fs.existsSync(mirror)).toBe(false); // nothing was restored
  }, 120_000);

  test('optimized outputs equal the committed expected outputs', () => {
    for (const ev of ['hello', 'group-csv']) {
      const expected = JSON.parse(fs.readFileSync(path.join(APP, 'expected', `${ev}.json`), 'utf8'));
      const r = invoke(out, 'lambda_function.lambda_handler', path.join(APP, 'events', `${ev}.json`), base);
      expect({ ok: r.ok, output: r.output }).toEqual(expected);
    }
  }, 120_000);
});

afterAll(cleanupTmp);

// The CLI on corpus app App4 (Debian's scikit-learn, scipy, numpy, joblib vendored; model trained by
// its train.py; scripts/test-setup.mjs): optimize --verify on every event, including the rare one that
// imports sklearn.datasets; an import used at init stays eager, with its reason.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { OptimizeSummary } from '../../src/report/summary.js';
import { cleanupTmp, tmpDir } from '../python/helpers.js';
import { invoke, loadedModules, optimizeJson, ROOT, vendored } from './python-helpers.js';

const APP = path.join(ROOT, 'apps/App4');

describe.skipIf(!vendored('App4'))('optimize App4 (vendored Debian scikit-learn) through the CLI', () => {
  let base: string;
  let out: string;
  let s: OptimizeSummary;
  beforeAll(async () => {
    base = await tmpDir('e2e-sklearn');
    out = path.join(base, 'App4.opt');
    s = await optimizeJson([APP, '--out', out, '--verify', path.join(APP, 'events/*.json')]);
  }, 900_000);

  test('same outcome on every event', () => {
    expect(s.verify!.events.map((e) => [e.event, e.identical])).toEqual([
      ['evaluate.json', true],
      ['predict.json', true],
    ]);
    expect(s.verify!.ok).toBe(true);
    expect(s.package!.after.files).toBeLessThan(s.package!.before.files);
    expect(s.package!.after.zipBytes).toBeLessThan(s.package!.before.zipBytes);
  });

  test('joblib stays eager (the model is loaded at module level), and so does numpy (joblib loads it); sklearn is lazy', () => {
    const eager = (spec: string) => s.eagerReasons.find((e) => e.file === 'lambda_function.py' && e.specifier === spec)!;
    expect([eager('joblib').code, eager('joblib').reason]).toEqual(['usage-init', 'joblib is used at module level, line 9']);
    expect(eager('numpy').code).toBe('loaded-anyway');
    const lazy = s.heaviestLazy.filter((l) => l.file === 'lambda_function.py').map((l) => l.specifier);
    expect(lazy).toEqual(['sklearn']);
  });

  test('the rare event imports sklearn.datasets for real in both packages', () => {
    const event = JSON.parse(fs.readFileSync(path.join(APP, 'events/evaluate.json'), 'utf8'));
    const watch = ['sklearn.datasets'];
    const mirror = path.join(base, 'mirror');
    for (const dir of [APP, out]) expect(loadedModules(dir, 'lambda_function', 'lambda_handler', event, watch, mirror)).toEqual({ init: [], after: watch });
  }, 120_000);

  test('optimized outputs equal the committed expected outputs', () => {
    for (const ev of ['predict', 'evaluate']) {
      const expected = JSON.parse(fs.readFileSync(path.join(APP, 'expected', `${ev}.json`), 'utf8'));
      const r = invoke(out, 'lambda_function.lambda_handler', path.join(APP, 'events', `${ev}.json`), base);
      expect({ ok: r.ok, output: r.output }).toEqual(expected);
    }
  }, 120_000);
});

afterAll(cleanupTmp);

import { execFileSync, spawnSync } from 'node:child_process';
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { fallbackLines, invokeScript, optimizePythonApp, runPython, tmpDir, type Optimized, cleanupTmp } from './helpers.js';

const PKGS = ['python3-numpy', 'python3-pandas', 'python3-sklearn'];
const missing = PKGS.filter((p) => !spawnSync('dpkg-query', ['-W', '-f=${Status}', p], { encoding: 'utf8' }).stdout?.includes('install ok installed'));
if (missing.length) console.warn(`skipping Debian numpy/pandas/scikit-learn tests: not installed: ${missing.join(' ')} (apt-get install -y ${missing.join(' ')})`);

describe.skipIf(missing.length > 0)('vendored Debian numpy/pandas/scikit-learn: original vs optimized', () => {
  let app: string;
  let opt: Optimized;
  beforeAll(async () => {
    app = await tmpDir('sci');
    for (const f of ['handler.py', 'handler_np.py']) await fsp.copyFile(path.resolve('fixtures/python/sci', f), path.join(app, f));
    execFileSync('node', [path.resolve('scripts/vendor-python.mjs'), app, ...PKGS, '--into', 'vendor'], { stdio: 'pipe' });
    const t0 = performance.now();
    opt = await optimizePythonApp(app, ['handler.handler', 'handler_np.handler']);
    console.log(`analysed + transformed in ${Math.round(performance.now() - t0)} ms; kept ${Object.keys(opt.analysis.graph.files).length} files, stripped ${opt.stripped.length}, ${opt.analysis.stubCandidates.length} stubs`);
  }, 600_000);

  test('handler imports are lazy; library imports used at import time stay eager', () => {
    const lazy = opt.applied.filter((a) => a.startsWith('handler.py:'));
    expect(lazy).toEqual([
      'handler.py: shim → installed',
      'handler.py: line 7: import json → lazy',
      'handler.py: line 8: import numpy as np → lazy',
      'handler.py: line 9: import pandas as pd → lazy',
      'handler.py: line 10: from sklearn.linear_model import LinearRegression → lazy',
    ]);
    const np = opt.analysis.sites.find((s) => s.file === 'handler_np.py' && s.names[0] === 'np')!;
    expect([np.usage, np.usageReason]).toEqual(['init', 'np is used at module level, line 10']);
  });

  for (const [handler, events] of [
    ['handler', [{ x: [1, 2, 3, 4] }, { x: [0.5, 7, 3] }]],
    ['handler_np', [{ k: 3 }]],
  ] as const) {
    test(`${handler}: same outputs, and no fallback load`, async () => {
      const mirror = await tmpDir('mirror');
      for (const ev of events) {
        const script = invokeScript(handler, 'handler', ev, ['numpy', 'pandas', 'sklearn']);
        const a = runPython(app, ['-c', script]);
        const b = runPython(opt.out, ['-c', script], mirror);
        expect(a.status, a.stderr).toBe(0);
        expect(b.status, b.stderr).toBe(0);
        const ra = JSON.parse(a.stdout);
        const rb = JSON.parse(b.stdout);
        expect(rb.result).toEqual(ra.result);
        expect(fallbackLines(b.stderr)).toEqual([]);
        if (handler === 'handler') {
          expect(ra.init).toEqual(['numpy', 'pandas', 'sklearn']);
          expect(rb.init).toEqual([]);
        }
      }
    }, 120_000);
  }
});

afterAll(cleanupTmp);

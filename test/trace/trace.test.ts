import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseTraceLog, traceApp } from '../../src/lang/js/analyze/trace.js';
import type { HandlerSpec } from '../../src/types.js';

const FIX = path.resolve(__dirname, '../../fixtures/trace');
const LAZY = path.join(FIX, 'lazy');
const spec = (handler = 'index.handler'): HandlerSpec => ({
  handler,
  file: 'index.js',
  exportName: 'handler',
  runtime: 'nodejs',
  style: 'aws',
  source: 'test',
});

describe('traceApp', () => {
  it('CommonJS: lazily required file and fs asset appear per event, not at init', async () => {
    const res = await traceApp(LAZY, [spec()], [path.join(LAZY, 'events/plain.json'), path.join(LAZY, 'events/report.json')]);
    expect(res).toEqual({
      init: ['index.js', 'lib/eager.js', 'settings.json'],
      perEvent: { 'plain.json': [], 'report.json': ['data/template.txt', 'lib/lazy.js'] },
      errors: [],
      diagnostics: [],
    });
  });

  it('ESM: static imports at init; dynamic import, its createRequire dependency and an fs.promises read per event', async () => {
    const root = path.join(FIX, 'esm');
    const res = await traceApp(root, [spec()], [path.join(LAZY, 'events/plain.json')]);
    expect(res).toEqual({
      init: ['dep.js', 'index.js'],
      perEvent: { 'plain.json': ['data/info.json', 'helper.cjs', 'later.js'] },
      errors: [],
      diagnostics: [],
    });
  });

  it('a handler that throws at init: files loaded so far, an error and FL105', async () => {
    const root = path.join(FIX, 'broken');
    const res = await traceApp(root, [spec()], [path.join(LAZY, 'events/plain.json'), path.join(LAZY, 'events/report.json')]);
    expect(res.init).toEqual(['index.js', 'loaded-before-throw.js']);
    expect(res.perEvent).toEqual({ 'plain.json': [], 'report.json': [] });
    expect(res.errors).toEqual([
      { event: 'plain.json', message: 'init: index.handler: Error: no config' },
      { event: 'report.json', message: 'init: index.handler: Error: no config' },
    ]);
    expect(res.diagnostics.map((d) => [d.id, d.severity, d.message, d.file])).toEqual([
      ['FL105', 'warning', 'index.handler throws at init: no config', 'index.js'],
    ]);
  });
});

describe('parseTraceLog', () => {
  it('splits at the marker, keeps files inside the root, drops init files seen again', () => {
    const log = ['L /app/a.js', 'R /app/b.txt', 'L /elsewhere/x.js', 'M invoke', 'L /app/a.js', 'L /app/c.js', 'R /app/c.js', ''].join('\n');
    expect(parseTraceLog(log, '/app')).toEqual({ init: ['a.js', 'b.txt'], invoke: ['c.js'] });
  });
});

// Each file is parsed once per run: the graph's scan, the bindings analysis, barrels, the lazy rewrite's
// check, the bundle's anchor/sloppy/positional tests and the Python analysis and transform all take the
// run's shared parse (src/io). Counted twice, on fixture apps that exercise each of them: by the run's own
// io, and under it, at Babel and tree-sitter themselves, so a parse that bypasses the io is counted too.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { analyzeApp, optimizeApp } from '../../src/pipeline.js';
import type { Job } from '../../src/job.js';
import type { ParseCounts } from '../../src/io/index.js';
import { repo } from '../graph/helpers.js';

/** The text of every parse Babel and tree-sitter were asked for, in this test. */
const parsed: string[] = [];
vi.mock('@babel/parser', async (importOriginal) => {
  const babel = await importOriginal<typeof import('@babel/parser')>();
  return { ...babel, parse: (code: string, opts?: Parameters<typeof babel.parse>[1]) => (parsed.push(code), babel.parse(code, opts)) };
});
{
  // tree-sitter is loaded with require (src/lang/python/analyze/parser.ts): the same class, so wrap its method.
  const Parser = createRequire(import.meta.url)('tree-sitter') as { prototype: { parse: (input: unknown, ...rest: unknown[]) => unknown } };
  const parse = Parser.prototype.parse;
  Parser.prototype.parse = function (this: unknown, input: unknown, ...rest: unknown[]) {
    if (typeof input === 'string') parsed.push(input);
    return parse.call(this, input, ...rest);
  };
}
beforeEach(() => {
  parsed.length = 0;
});

/** Source files of the app grouped by text (two empty __init__.py are one text to a parser). */
function sourcesByText(app: string): Map<string, string[]> {
  const byText = new Map<string, string[]>();
  for (const f of (fs.readdirSync(app, { recursive: true }) as string[]).sort()) {
    if (!/\.(c|m)?js$|\.py$/.test(f) || !fs.statSync(path.join(app, f)).isFile()) continue;
    const text = fs.readFileSync(path.join(app, f), 'utf8');
    byText.set(text, [...(byText.get(text) ?? []), f]);
  }
  return byText;
}

/**
 * Per source text of the app (its files, joined), the parses Babel or tree-sitter made of it, and the
 * parses the run's io counted for those files: equal when no parse bypassed the io.
 */
function sourceParses(app: string, c: ParseCounts): { parsers: Record<string, number>; io: Record<string, number> } {
  const times = new Map<string, number>();
  for (const code of parsed) times.set(code, (times.get(code) ?? 0) + 1);
  const parsers: Record<string, number> = {};
  const io: Record<string, number> = {};
  for (const [text, files] of sourcesByText(app)) {
    const n = times.get(text) ?? 0;
    const m = files.reduce((k, f) => k + (c[f]?.source ?? 0), 0);
    if (n) parsers[files.join(' ')] = n;
    if (m) io[files.join(' ')] = m;
  }
  return { parsers, io };
}
/** Source files parsed more than once, by the parsers' own count. */
const parsedTwice = (app: string) =>
  Object.entries(sourceParses(app, {}).parsers)
    .filter(([files, n]) => n > files.split(' ').length)
    .map(([f, n]) => `${f}: ${n}`);
const expectAllThroughIo = (app: string, c: ParseCounts) => {
  const { parsers, io } = sourceParses(app, c);
  expect(Object.keys(parsers).length).toBeGreaterThan(0);
  expect(parsers).toEqual(io);
};

const tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'faaslight-parse-once-')));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** A copy of fixtures/<dir> with `_node_modules` folders renamed to `node_modules`. */
function fixture(dir: string): string {
  const dest = path.join(tmp, dir.replace(/\//g, '-'));
  if (fs.existsSync(dest)) return dest;
  fs.cpSync(path.join(repo, 'fixtures', dir), dest, { recursive: true });
  for (const d of fs.readdirSync(dest, { recursive: true }) as string[])
    if (path.basename(d) === '_node_modules') fs.renameSync(path.join(dest, d), path.join(dest, path.dirname(d), 'node_modules'));
  return dest;
}

function counts(job: Job): { js: ParseCounts; python: ParseCounts } {
  if (!job.io) throw new Error('the run has no io');
  return job.io.parses();
}

/** Files whose own source was parsed more than once. */
const twice = (c: ParseCounts) =>
  Object.entries(c)
    .filter(([, n]) => n.source > 1)
    .map(([f, n]) => `${f}: ${n.source}`);
const derivedFiles = (c: ParseCounts) =>
  Object.keys(c)
    .filter((f) => c[f].derived > 0)
    .sort();

const JS_APPS = [
  // Barrel narrowing reads the barrel and the files it re-exports; the handler is rewritten.
  { dir: 'lazy/barrel-app', handler: 'handler.handler' },
  // Sloppy-mode test of bundled files under a strict root.
  { dir: 'bundle/strict', handler: 'handler.handler' },
  // Anchored computed requires (the anchored text is other text: parsed on its own).
  { dir: 'bundle/dynamic', handler: 'handler.handler' },
];

describe('JavaScript: every file parsed at most once per run', () => {
  it.each(JS_APPS)('analyzeApp on $dir', async ({ dir, handler }) => {
    const app = fixture(dir);
    const job = await analyzeApp({ input: app, handlers: [handler] });
    const c = counts(job);
    expect(parsedTwice(app)).toEqual([]);
    expectAllThroughIo(app, c.js);
    expect(c.js[handler.replace(/\.[^.]+$/, '.js')]).toEqual({ source: 1, derived: 0 });
    expect(Object.keys(c.js).length).toBeGreaterThan(1);
    expect(twice(c.js)).toEqual([]);
    expect(derivedFiles(c.js)).toEqual([]);
    expect(c.python).toEqual({});
  });

  it.each(JS_APPS.flatMap((a) => [false, true].map((bundle) => ({ ...a, bundle }))))(
    'optimizeApp on $dir (bundle $bundle)',
    async ({ dir, handler, bundle }) => {
      const out = path.join(tmp, `${dir.replace(/\//g, '-')}-${bundle}`);
      const app = fixture(dir);
      const { job } = await optimizeApp({ input: app, out, handlers: [handler], bundle });
      const c = counts(job);
      expect(parsedTwice(app)).toEqual([]);
      expectAllThroughIo(app, c.js);
      expect(twice(c.js)).toEqual([]);
      // Only rewritten text is parsed besides the sources: the lazy rewrite's output and anchored sources
      // (of bundled files and of roots), which the bundle plan reads instead of the file.
      const rewritten = new Set([
        ...job.plan!.imports.filter((d) => d.decision === 'lazy').map((d) => d.site.file),
        ...(job.bundle?.anchored ?? []),
        ...(job.bundle?.units.map((u) => u.root) ?? []),
      ]);
      for (const f of derivedFiles(c.js)) expect(rewritten.has(f), f).toBe(true);
      for (const f of derivedFiles(c.js)) expect(c.js[f].derived).toBeLessThanOrEqual(2);
    },
  );
});

describe('Python: every file parsed at most once per run', () => {
  it('optimizeApp on python/app1 (analysis, stubs, lazy imports, shim)', async () => {
    const app = fixture('python/app1');
    const { job } = await optimizeApp({ input: app, out: path.join(tmp, 'py-app1'), handlers: ['handler.handler', 'broken_handler.handler'] });
    const c = counts(job);
    expect(parsedTwice(app)).toEqual([]);
    expectAllThroughIo(app, c.python);
    expect(c.python['handler.py']?.source).toBe(1);
    expect(twice(c.python)).toEqual([]);
    // The transform checks its output (shim inserted, then the whole result): two other texts per file at most.
    const transformed = new Set(
      job.packageResult
        ? [
            ...new Set((job.stubs ?? []).map((s) => s.file)),
            'handler.py',
            'broken_handler.py',
            ...job.plan!.imports.filter((d) => d.decision === 'lazy').map((d) => d.site.file),
          ]
        : [],
    );
    for (const f of derivedFiles(c.python)) {
      expect(transformed.has(f), f).toBe(true);
      expect(c.python[f].derived).toBeLessThanOrEqual(2);
    }
    expect(c.js).toEqual({});
  });
});

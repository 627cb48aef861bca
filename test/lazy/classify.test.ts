// Classification table: fixtures/lazy/classify/<case>/input.(js|mjs) + expected.json (the whole site list,
// minus ranges and ids). Regenerate after a deliberate change with UPDATE_LAZY_FIXTURES=1 and review the diff.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { analyzeBindings } from '../../src/lang/js/analyze/bindings.js';

const root = path.resolve('fixtures/lazy/classify');
const cases = fs.readdirSync(root).sort();

function summarize(dir: string) {
  const file = fs.existsSync(path.join(dir, 'input.mjs')) ? 'input.mjs' : 'input.js';
  const code = fs.readFileSync(path.join(dir, file), 'utf8');
  const r = analyzeBindings(file, code, { isESM: file.endsWith('.mjs') });
  expect(r.error).toBeUndefined();
  // Ranges must cover the statement text exactly (checked here rather than stored).
  for (const s of r.sites) expect(code.slice(s.start, s.end)).toMatch(/^(const|let|var|import|require|[\w$]+\s*=)/);
  return r.sites.map(({ id, file: _f, start: _s, end: _e, ...rest }) => ({ ...rest, id: id.split('#')[1] }));
}

describe('binding usage classification', () => {
  test.each(cases)('%s', (name) => {
    const dir = path.join(root, name);
    const actual = summarize(dir);
    const expectedFile = path.join(dir, 'expected.json');
    if (process.env.UPDATE_LAZY_FIXTURES) fs.writeFileSync(expectedFile, JSON.stringify(actual, null, 2) + '\n');
    expect(actual).toEqual(JSON.parse(fs.readFileSync(expectedFile, 'utf8')));
  });
});

test('a file that does not parse yields an error and no sites', () => {
  expect(analyzeBindings('bad.js', 'const = require("m")')).toEqual({ sites: [], error: expect.stringContaining('Unexpected token') });
});

test('requires inside functions and shadowed require are not sites', () => {
  const code = 'function f() { const m = require("m"); return m; }\nexports.f = f;';
  expect(analyzeBindings('a.js', code).sites).toEqual([]);
  expect(analyzeBindings('b.js', 'const require = () => 1;\nconst m = require("m");').sites).toEqual([]);
});

test('ranges: one statement, or one declarator per site in a multi-declarator statement', () => {
  const code = 'const a = require("a");\nconst b = require("b"), c = 1, d = require("d");\n';
  const sites = analyzeBindings('x.js', code).sites;
  expect(sites.map((s) => code.slice(s.start, s.end))).toEqual(['const a = require("a");', 'b = require("b")', 'd = require("d")']);
  expect(sites.map((s) => [s.id, s.line])).toEqual([
    ['x.js#0', 1],
    ['x.js#1', 2],
    ['x.js#2', 2],
  ]);
});

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { main } from '../../src/cli.js';

const FIX = path.resolve('fixtures/checks');

async function run(args: string[]) {
  let out = '';
  let err = '';
  const code = await main(['node', 'faaslight', ...args], { out: (s) => void (out += s), err: (s) => void (err += s) });
  return { code, out, err };
}

// One fixture per case: [fixture, handler, exit code, what stderr (errors) or the JSON diagnostics (notes) say].
const CASES: [string, string, 0 | 1, RegExp][] = [
  ['js-missing-export', 'index.handler', 1, /handler "index.handler": index.js does not export "handler" \(it exports "other"\)/],
  ['esm-missing-export', 'index.handler', 1, /index.mjs does not export "handler" \(it exports "other"\)/],
  ['js-handler-syntax', 'index.handler', 1, /handler file index.js does not parse: Unexpected token, expected "," \(3:1\)/],
  ['js-reached-syntax', 'index.handler', 1, /file loaded at init lib.js does not parse/],
  ['py-missing-function', 'app.handler', 1, /app.py defines no "handler" at module level/],
  ['py-handler-syntax', 'app.handler', 1, /handler file app.py does not parse/],
  ['js-define-property', 'index.handler', 0, /^(?![\s\S]*FL004)/],
  ['js-object-literal', 'index.handler', 0, /^(?![\s\S]*FL004)/],
  [
    'js-reexport-package',
    'index.handler',
    0,
    /"FL004","severity":"info","message":"index.js: exports not known statically \(module.exports assigned a value that is not an object literal at line 2\)/,
  ],
  ['js-later-syntax', 'index.handler', 0, /"FL101","severity":"warning","message":"legacy.js: /],
  ['py-imported-function', 'app.handler', 0, /^(?![\s\S]*FL004)/],
  ['py-assigned-function', 'app.handler', 0, /^(?![\s\S]*FL004)/],
];

describe('static checks before writing (FL004, FL101)', () => {
  test.each(CASES)(
    'analyze %s (%s) exits %i',
    async (fixture, handler, code, says) => {
      const r = await run(['analyze', path.join(FIX, fixture), '--handler', handler, '--json']);
      expect(r.code, r.err).toBe(code);
      if (code === 1) {
        expect(r.err).toMatch(says);
        expect(r.out).toBe('');
      } else expect(JSON.stringify(JSON.parse(r.out).diagnostics)).toMatch(says);
    },
    30_000,
  );

  test.each(CASES.filter((c) => c[2] === 1))(
    'optimize %s writes nothing',
    async (fixture, handler, _code, says) => {
      const out = path.join(await fs.promises.mkdtemp(path.join(os.tmpdir(), 'fl-checks-')), 'out');
      const r = await run(['optimize', path.join(FIX, fixture), '--handler', handler, '--out', out]);
      expect(r.code, r.err).toBe(1);
      expect(r.err).toMatch(says);
      expect(fs.existsSync(out)).toBe(false);
      expect(fs.existsSync(`${out}.zip`)).toBe(false);
    },
    30_000,
  );
});

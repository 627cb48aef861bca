// Rewrite unit table: exact output for small inputs and the reasons for skipped sites.
// (Behaviour of rewritten code is checked by executing it in exec.test.ts.)
import { describe, expect, test } from 'vitest';
import { analyzeBindings } from '../../src/lang/js/analyze/bindings.js';
import { planRewrite, rewriteLazy } from '../../src/lang/js/transform/index.js';
import type { BindingSite, ImportDecision, LazyMechanism } from '../../src/types.js';

/** Every site made lazy (whatever its usage: the rewriter must refuse the unsafe ones itself). */
function lazyAll(code: string, isESM = false, mechanism?: LazyMechanism, patch: (s: BindingSite) => BindingSite = (s) => s) {
  const { sites } = analyzeBindings('f.js', code, { isESM });
  const decisions: ImportDecision[] = sites.map((s) => ({ site: patch(s), decision: 'lazy', mechanism, reason: { code: 't', text: 't' } }));
  // As the pipeline does: the lazy values are decided at plan time, the rewrite applies them.
  return rewriteLazy('f.js', code, decisions, { isESM, values: planRewrite('f.js', code, decisions, { isESM }).values });
}

describe('exact output', () => {
  test('hashbang and "use strict" stay first; untouched code stays byte for byte', () => {
    const code = "#!/usr/bin/env node\n'use strict';\n// keep me\nconst m = require('m');   // trailing\nexports.h = () => m.x;\n";
    expect(lazyAll(code)).toEqual({
      code:
        "#!/usr/bin/env node\n'use strict';\n// keep me\n" +
        "/* faaslight: lazy require('m') (before: const m = require('m');) */ var __fl_m_cache; function __fl_m() { if (!__fl_m_cache) __fl_m_cache = { v: require('m') }; return __fl_m_cache.v; }   // trailing\n" +
        'exports.h = () => __fl_m().x;\n',
      applied: ['f.js#0'],
      skipped: [],
      values: [],
      skippedValues: [],
    });
  });

  test('a multi-line statement keeps the line count (stack traces keep their lines)', () => {
    const code = "const {\n  a,\n  b,\n} = require('m');\nexports.h = () => [a, b];\n";
    const out = lazyAll(code).code;
    expect(out.split('\n')).toHaveLength(code.split('\n').length);
    expect(out.split('\n')[4]).toBe('exports.h = () => [__fl_a().a, __fl_a().b];');
  });

  test('ESM create-require: one header per file, after directives; namespace of CJS skipped', () => {
    const code =
      "'use strict';\nimport a from 'a';\nimport { b as c } from 'b';\nimport * as ns from 'n';\nexport async function h() { return [a, c(), ns.x]; }\n";
    expect(lazyAll(code, true, 'create-require')).toEqual({
      code:
        "'use strict';\n" +
        "import { createRequire as __flCreateRequire } from 'node:module'; const __flRequire = __flCreateRequire(import.meta.url); " +
        "/* faaslight: lazy __flRequire('a') (before: import a from 'a';) */ var __fl_a_cache; function __fl_a() { if (!__fl_a_cache) __fl_a_cache = { v: __flRequire('a') }; return __fl_a_cache.v; }\n" +
        "/* faaslight: lazy __flRequire('b') (before: import { b as c } from 'b';) */ var __fl_c_cache; function __fl_c() { if (!__fl_c_cache) { const m = __flRequire('b'); __fl_c_cache = { b: m.b }; } return __fl_c_cache; }\n" +
        "import * as ns from 'n';\n" +
        'export async function h() { return [__fl_a(), (0, __fl_c().b)(), ns.x]; }\n',
      applied: ['f.js#0', 'f.js#1'],
      skipped: [
        {
          id: 'f.js#2',
          reason: "namespace import of a CommonJS module: Node's namespace object (exports found by cjs-module-lexer) cannot be rebuilt exactly",
        },
      ],
      values: [],
      skippedValues: [],
    });
  });

  test('generated names avoid every name in the file', () => {
    const code = "import x from 'x';\nconst __flRequire = 1, __fl_x = 2;\nexport const h = () => [x, __flRequire, __fl_x, __fl_x_cache];\n";
    const out = lazyAll(code, true, 'require-esm').code;
    expect(out).toContain('const __flRequire2 = __flCreateRequire(import.meta.url);');
    expect(out).toContain("var __fl_x2_cache; function __fl_x2() { if (!__fl_x2_cache) __fl_x2_cache = { v: __flRequire2('x') }; return __fl_x2_cache.v; }");
    expect(out).toContain('export const h = () => [__fl_x2().default, __flRequire, __fl_x, __fl_x_cache];');
  });
});

test('no lazy decision: the input string is returned unchanged', () => {
  const code = "const m = require('m');\nexports.h = () => m;\n";
  const { sites } = analyzeBindings('f.js', code);
  expect(rewriteLazy('f.js', code, [{ site: sites[0], decision: 'eager', reason: { code: 't', text: 't' } }])).toEqual({
    code,
    applied: [],
    skipped: [],
    values: [],
    skippedValues: [],
  });
});

describe('skipped sites stay byte for byte, the others still apply', () => {
  const cases: {
    name: string;
    code: string;
    isESM?: boolean;
    mechanism?: LazyMechanism;
    patch?: (s: BindingSite) => BindingSite;
    skipped: string[];
    applied?: string[];
  }[] = [
    {
      name: 'init usage',
      code: "const a = require('a');\nconst b = require('b');\na.go();\nexports.h = () => b;\n",
      skipped: ["usage is 'init': referenced at top level, line 3"],
    },
    { name: 'side effect', code: "require('a');\nconst b = require('b');\nexports.h = () => b;\n", skipped: ['side-effect-only import: nothing to defer'] },
    {
      name: 'exported',
      code: "const a = require('a');\nconst b = require('b');\nmodule.exports.a = a;\nexports.h = () => b;\n",
      skipped: ["usage is 'unknown': exported at line 3"],
    },
    {
      name: 'stale range',
      code: "const a = require('a');\nconst b = require('b');\nexports.h = () => [a, b];\n",
      patch: (s) => (s.specifier === 'a' ? { ...s, start: s.start + 1 } : s),
      skipped: ["no import of 'a' at 1-23 in the current code"],
    },
    {
      name: 'wrong mechanism for CJS',
      code: "const a = require('a');\nexports.h = () => a;\n",
      mechanism: 'dynamic-import',
      skipped: ["mechanism 'dynamic-import' does not apply to a CommonJS file"],
      applied: [],
    },
    {
      name: 'dynamic import outside async',
      isESM: true,
      mechanism: 'dynamic-import',
      code: "import { a } from 'a';\nimport b from 'b';\nexport async function h() { return [b, [1].map(() => a)]; }\n",
      skipped: ['reference at line 3 is not directly inside an async function: await import() impossible there'],
    },
    {
      name: 'await not allowed in an async function parameter',
      isESM: true,
      mechanism: 'dynamic-import',
      code: "import a from 'a';\nimport b from 'b';\nexport async function h(x = a) { return [x, b]; }\n",
      skipped: ['reference at line 3 is not directly inside an async function: await import() impossible there'],
    },
    {
      name: 'import attributes',
      isESM: true,
      mechanism: 'create-require',
      code: "import j from './j.json' with { type: 'json' };\nimport b from 'b';\nexport function h() { return [j, b]; }\n",
      skipped: ['import attributes (with { type: … }) are not carried over to a lazy load'],
    },
    {
      name: 'require(esm) namespace used as a value',
      isESM: true,
      mechanism: 'require-esm',
      code: "import * as ns from 'a';\nimport * as b from 'b';\nexport function h() { return [Object.keys(ns), b.x]; }\n",
      skipped: ['namespace used as a value at line 3: require(esm) returns a different object than import'],
    },
  ];
  test.each(cases)('$name', ({ code, isESM, mechanism, patch, skipped, applied = ['f.js#1'] }) => {
    const r = lazyAll(code, isESM, mechanism, patch);
    expect(r.skipped.map((s) => s.reason)).toEqual(skipped);
    const skippedSite = analyzeBindings('f.js', code, { isESM }).sites[0];
    expect(r.code).toContain(code.slice(skippedSite.start, skippedSite.end));
    expect(r.applied).toEqual(applied);
    if (!applied.length) expect(r.code).toBe(code);
  });
});

test('delete of a binding counts as a reassignment: skipped', () => {
  const code = "var a = require('a');\nexports.h = function () { return delete a; };\n";
  expect(lazyAll(code).skipped).toEqual([{ id: 'f.js#0', reason: "usage is 'unknown': reassigned at line 2" }]);
});

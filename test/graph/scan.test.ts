// scanFile as a table of tiny cases: source in, the whole analysis out (unexpected extras fail).
import { describe, expect, it } from 'vitest';
import { scanFile } from '../../src/lang/js/analyze/scan.js';

type Row = [name: string, file: string, code: string, expected: { isESM?: boolean; imports?: unknown[]; assets?: unknown[]; parseError?: RegExp }];

const req = (specifier: string, line = 1, column = 0, extra: object = {}) => ({ kind: 'require', specifier, topLevel: true, line, column, ...extra });

const unknownReq = (line: number, column: number, extra: object = {}) => ({ kind: 'require', unknown: true, topLevel: true, line, column, ...extra });

const rows: Row[] = [
  ['literal require', 'a.js', `const x = require('./x');`, { imports: [req('./x', 1, 10)] }],
  ['no keywords: not even parsed', 'a.js', `this is { not js`, { imports: [] }],
  ['hashbang', 'bin/cli.js', `#!/usr/bin/env node\nrequire('y');`, { imports: [req('y', 2)] }],
  ['return at top level (CommonJS)', 'a.js', `if (x) return;\nrequire('y');`, { imports: [req('y', 2)] }],
  [
    'require.resolve',
    'a.js',
    `require.resolve('p/package.json');`,
    { imports: [{ kind: 'require.resolve', specifier: 'p/package.json', topLevel: true, line: 1, column: 0 }] },
  ],
  ['module.require', 'a.js', `module.require('m');`, { imports: [req('m')] }],
  // Eval-hidden requires (issue 16: protobufjs loads long at init through util.inquire).
  ['util.inquire("long"): an optional require of long', 'a.js', `util.Long = util.inquire("long");`, { imports: [req('long', 1, 12, { optional: true })] }],
  ['inquire(name): an unknown require', 'a.js', `module.exports = inquire(name);`, { imports: [unknownReq(1, 17, { optional: true })] }],
  ["eval('require')('x')", 'a.js', `eval('require')('x');`, { imports: [req('x')] }],
  ["eval('req' + 'uire')('x')", 'a.js', `eval('req' + 'uire')('x');`, { imports: [req('x')] }],
  ["const r = eval('require'): its calls are requires", 'a.js', `const r = eval('require');\nr('y');`, { imports: [req('y', 2)] }],
  ["eval('require') handed on: unknown", 'a.js', `load(eval('require'));`, { imports: [unknownReq(1, 5)] }],
  [
    'eval of code not known (@protobufjs/inquire): unknown',
    'a.js',
    `function inquire(m) { return eval("quire".replace(/^/, "re"))(m); }`,
    { imports: [unknownReq(1, 29, { topLevel: false })] },
  ],
  ["eval('this'): known code without a require", 'a.js', `var g = eval('this');`, { imports: [] }],
  ['a local eval is not eval', 'a.js', `function eval(x) {}\neval('require')('x');`, { imports: [] }],
  ["new Function('require', …): unknown", 'a.js', `new Function('require', 'return require("x")')(require);`, { imports: [unknownReq(1, 0)] }],
  ["Function('return this'): nothing", 'a.js', `var g = Function('return this')();`, { imports: [] }],
  ['inside a function: not top level', 'a.js', `function f() { return require('lazy'); }`, { imports: [req('lazy', 1, 22, { topLevel: false })] }],
  [
    'IIFE bodies run at init',
    'a.js',
    `(function () { require('now'); })();\n!function () { require('now2'); }();\n(function () { require('now3'); }).call(this);`,
    { imports: [req('now', 1, 15), req('now2', 2, 15), req('now3', 3, 15)] },
  ],
  [
    'try block: optional',
    'a.js',
    `try { require('opt'); } catch (e) {}\ntry {} catch { require('fallback'); }`,
    { imports: [req('opt', 1, 6, { optional: true }), req('fallback', 2, 15)] },
  ],
  ['shadowed require parameter is not require', 'a.js', `require('real');\n(function (require) { require('fake'); })(x);`, { imports: [req('real')] }],
  [
    'shadowed in one function only',
    'a.js',
    `function f(require) { require('fake'); }\nfunction g() { require('real'); }`,
    { imports: [req('real', 2, 15, { topLevel: false })] },
  ],
  ['local require function declaration', 'a.js', `function require(x) {}\nrequire('fake');`, { imports: [] }],
  [
    'createRequire result (ESM)',
    'a.mjs',
    `import { createRequire } from 'node:module';\nconst r = createRequire(import.meta.url);\nr('cjs-dep');\nr.resolve('other');`,
    {
      isESM: true,
      imports: [
        { kind: 'import', specifier: 'node:module', topLevel: true, line: 1, column: 0 },
        { kind: 'create-require', specifier: 'cjs-dep', topLevel: true, line: 3, column: 0 },
        { kind: 'require.resolve', specifier: 'other', topLevel: true, line: 4, column: 0 },
      ],
    },
  ],
  [
    'const require = createRequire(…) in ESM',
    'a.mjs',
    `import { createRequire } from 'module';\nconst require = createRequire(import.meta.url);\nrequire('x');`,
    {
      isESM: true,
      imports: [
        { kind: 'import', specifier: 'module', topLevel: true, line: 1, column: 0 },
        { kind: 'create-require', specifier: 'x', topLevel: true, line: 3, column: 0 },
      ],
    },
  ],
  [
    'createRequire assigned later',
    'a.mjs',
    `import { createRequire } from 'module';\nvar r;\nr = createRequire(import.meta.url);\nr('late');`,
    {
      isESM: true,
      imports: [
        { kind: 'import', specifier: 'module', topLevel: true, line: 1, column: 0 },
        { kind: 'create-require', specifier: 'late', topLevel: true, line: 4, column: 0 },
      ],
    },
  ],
  [
    'createRequire called directly',
    'a.mjs',
    `import m from 'module';\nm.createRequire(import.meta.url)('d');`,
    {
      isESM: true,
      imports: [
        { kind: 'import', specifier: 'module', topLevel: true, line: 1, column: 0 },
        { kind: 'create-require', specifier: 'd', topLevel: true, line: 2, column: 0 },
      ],
    },
  ],
  ['require alias', 'a.js', `const req = require;\nreq('aliased');`, { imports: [req('aliased', 2)] }],
  [
    'ESM imports and re-exports',
    'a.js',
    `import a from 'a';\nimport * as b from './b.js';\nimport './side.js';\nexport * from './all.js';\nexport { x } from 'x';\nexport const y = 1;`,
    {
      isESM: true,
      imports: [
        { kind: 'import', specifier: 'a', topLevel: true, line: 1, column: 0 },
        { kind: 'import', specifier: './b.js', topLevel: true, line: 2, column: 0 },
        { kind: 'import', specifier: './side.js', topLevel: true, line: 3, column: 0 },
        { kind: 'export-from', specifier: './all.js', topLevel: true, line: 4, column: 0 },
        { kind: 'export-from', specifier: 'x', topLevel: true, line: 5, column: 0 },
      ],
    },
  ],
  [
    'import attributes',
    'a.mjs',
    `import data from './d.json' with { type: 'json' };`,
    { isESM: true, imports: [{ kind: 'import', specifier: './d.json', topLevel: true, line: 1, column: 0 }] },
  ],
  ['import.meta alone makes a module', 'a.js', `console.log(import.meta.url);`, { isESM: true }],
  ['.cjs is never ESM', 'a.cjs', `require('x');`, { isESM: false, imports: [req('x')] }],
  ['.mjs is always ESM', 'a.mjs', `const x = 1;`, { isESM: true }],
  [
    'dynamic import forms',
    'a.mjs',
    `await import('./lit.js');\nimport(\`./locale/\${l}.js\`);\nimport(name);\nimport('./opt.js').catch(() => null);`,
    {
      isESM: true,
      imports: [
        { kind: 'dynamic-import', specifier: './lit.js', topLevel: true, line: 1, column: 6 },
        { kind: 'dynamic-import', pattern: { prefix: './locale/', suffix: '.js' }, topLevel: true, line: 2, column: 0 },
        { kind: 'dynamic-import', unknown: true, topLevel: true, line: 3, column: 0 },
        { kind: 'dynamic-import', specifier: './opt.js', topLevel: true, optional: true, line: 4, column: 0 },
      ],
    },
  ],
  [
    'concatenation pattern',
    'a.js',
    `const n = x;\nrequire('./locale/' + n);`,
    { imports: [{ kind: 'require', pattern: { prefix: './locale/', suffix: '' }, topLevel: true, line: 2, column: 0 }] },
  ],
  [
    'pattern keeps outer literals only',
    'a.js',
    'require(`./a/${x}/b/${y}.js`);',
    { imports: [{ kind: 'require', pattern: { prefix: './a/', suffix: '.js' }, topLevel: true, line: 1, column: 0 }] },
  ],
  [
    'bare pattern',
    'a.js',
    `require('moment/locale/' + l);`,
    { imports: [{ kind: 'require', pattern: { prefix: 'moment/locale/', suffix: '' }, topLevel: true, line: 1, column: 0 }] },
  ],
  [
    'path.join(__dirname, …) pattern',
    'lib/a.js',
    `const path = require('path');\nrequire(path.join(__dirname, 'plugins', name));`,
    { imports: [req('path', 1, 13), { kind: 'require', pattern: { prefix: './plugins/', suffix: '' }, topLevel: true, line: 2, column: 0 }] },
  ],
  ['__dirname + literal is a literal', 'a.js', `require(__dirname + '/x.json');`, { imports: [req('./x.json')] }],
  [
    'fully unknown',
    'a.js',
    `require(x);\nrequire();`,
    {
      imports: [
        { kind: 'require', unknown: true, topLevel: true, line: 1, column: 0 },
        { kind: 'require', unknown: true, topLevel: true, line: 2, column: 0 },
      ],
    },
  ],
  [
    'constant bindings are followed',
    'a.js',
    `const base = './impl/';\nconst file = base + 'fast.js';\nrequire(file);`,
    { imports: [req('./impl/fast.js', 3)] },
  ],
  [
    'reassigned bindings are not',
    'a.js',
    `let f = './a.js';\nf = other;\nrequire(f);`,
    { imports: [{ kind: 'require', unknown: true, topLevel: true, line: 3, column: 0 }] },
  ],
  ['conditional specifier: both branches', 'a.js', `require(fast ? './fast' : './slow');`, { imports: [req('./fast'), req('./slow')] }],
  [
    'assets: fs reads relative to __dirname',
    'src/h.js',
    `const fs = require('fs'), path = require('path');\nfs.readFileSync(path.join(__dirname, 'tpl', 'a.hbs'));\nfs.readFileSync(path.resolve(__dirname, '../data/x.json'));\nfs.readFileSync(__dirname + '/raw.txt');\nfs.readFileSync(path.join(__dirname, 'views', name));`,
    {
      imports: [req('fs', 1, 11), req('path', 1, 33)],
      assets: [
        { path: 'src/tpl/a.hbs', line: 2 },
        { path: 'data/x.json', line: 3 },
        { path: 'src/raw.txt', line: 4 },
        { path: 'src/views', isDirectory: true, line: 5 },
      ],
    },
  ],
  [
    'assets in ESM: new URL and import.meta.dirname',
    'src/h.mjs',
    `import { readFileSync } from 'node:fs';\nimport { join, dirname } from 'node:path';\nimport { fileURLToPath } from 'node:url';\nconst __dirname = dirname(fileURLToPath(import.meta.url));\nreadFileSync(new URL('./a.txt', import.meta.url));\nreadFileSync(join(__dirname, 'b.txt'));\nreadFileSync(join(import.meta.dirname, 'c', \`\${x}.txt\`));`,
    {
      isESM: true,
      imports: [
        { kind: 'import', specifier: 'node:fs', topLevel: true, line: 1, column: 0 },
        { kind: 'import', specifier: 'node:path', topLevel: true, line: 2, column: 0 },
        { kind: 'import', specifier: 'node:url', topLevel: true, line: 3, column: 0 },
      ],
      assets: [
        { path: 'src/a.txt', line: 5 },
        { path: 'src/b.txt', line: 6 },
        { path: 'src/c', isDirectory: true, line: 7 },
      ],
    },
  ],
  [
    'asset via a constant directory',
    'a.js',
    `const path = require('path');\nconst dir = path.join(__dirname, 'locales');\nfs.readdirSync(dir);`,
    { imports: [req('path', 1, 13)], assets: [{ path: 'locales', line: 2 }] },
  ],
  [
    'bare __dirname and paths outside the root are not assets',
    'a.js',
    `fs.readdirSync(__dirname);\nfs.readFileSync(path.join(__dirname, '..', 'x'));`,
    { assets: [] },
  ],
  [
    'TypeScript output: path_1.default.join',
    'lib/a.js',
    `const path_1 = __importDefault(require("path"));\nfs.readFileSync(path_1.default.join(__dirname, "t.txt"));`,
    { imports: [req('path', 1, 31)], assets: [{ path: 'lib/t.txt', line: 2 }] },
  ],
  ['parse error', 'a.js', `require('x');\nconst = ;`, { parseError: /Unexpected token/ }],
];

describe('scanFile', () => {
  it.each(rows)('%s', (_name, file, code, expected) => {
    const got = scanFile(file, code);
    if (expected.parseError) {
      expect(got.parseError).toMatch(expected.parseError);
      expect(got.imports).toEqual([]);
      return;
    }
    expect(got).toEqual({ file, isESM: expected.isESM ?? false, imports: expected.imports ?? [], assets: expected.assets ?? [] });
  });

  it('handles deeply nested expressions without overflowing the stack', () => {
    // Babel's parser itself recurses (about 4000 levels here); the walk must not add a limit of its own.
    const code = `require('a');\nconst s = ${Array.from({ length: 3000 }, (_, i) => `'${i}'`).join(' + ')};`;
    expect(scanFile('big.js', code).imports).toEqual([req('a')]);
  });
});

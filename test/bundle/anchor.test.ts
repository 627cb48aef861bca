// anchorRequires as a table: which uses of the module's own `require` are anchored to the file's
// original path, which are left to esbuild, and which keep the file out of the bundle (undefined).
import { describe, expect, test } from 'vitest';
import { anchorRequires } from '../../src/lang/js/bundle/anchor.js';

const A = '__faaslightRequireFrom(__faaslightSelf)';

const cases: { name: string; code: string; esm?: boolean; out: string | undefined; anchored?: number }[] = [
  { name: 'literal require: left to esbuild', code: 'const a = require("a");', out: 'const a = require("a");', anchored: 0 },
  { name: 'literal template: left to esbuild', code: 'const a = require(`a`);', out: 'const a = require(`a`);', anchored: 0 },
  { name: 'computed require', code: 'module.exports = (n) => require(n);', out: `module.exports = (n) => ${A}(n);`, anchored: 1 },
  { name: 'template with an expression', code: 'const p = require(`./p/${x}`);', out: `const p = ${A}(\`./p/\${x}\`);`, anchored: 1 },
  {
    name: 'require.resolve, literal or not',
    code: 'a(require.resolve("x"), require.resolve(n, { paths }));',
    out: `a(${A}.resolve("x"), ${A}.resolve(n, { paths }));`,
    anchored: 2,
  },
  { name: 'require.resolve.paths', code: 'require.resolve.paths("x");', out: `${A}.resolve.paths("x");`, anchored: 1 },
  {
    name: 'typeof require is fine',
    code: 'if (typeof require === "function") f(require(n));',
    out: `if (typeof require === "function") f(${A}(n));`,
    anchored: 1,
  },
  {
    name: "a local require is not the module's",
    code: 'function f(require) { return require(n); }',
    out: 'function f(require) { return require(n); }',
    anchored: 0,
  },
  { name: 'require as a value', code: 'const r = require; r(n);', out: undefined },
  { name: 'require.cache', code: 'delete require.cache[k]; require(n);', out: undefined },
  { name: 'require.main', code: 'if (require.main === module) run();', out: undefined },
  { name: 'ES module: never', code: 'export default 1;', esm: true, out: undefined },
  { name: 'does not parse', code: 'const = ;', out: undefined },
];

describe('anchorRequires', () => {
  test.each(cases)('$name', ({ code, esm, out, anchored }) => {
    const r = anchorRequires(code, esm ?? false);
    if (out === undefined) expect(r).toBeUndefined();
    else expect(r).toEqual({ code: out, anchored });
  });
});

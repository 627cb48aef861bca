// sloppyOnlyUse as a table: code whose meaning changes when a strict bundle makes it strict, and code
// that means the same either way.
import { describe, expect, it } from 'vitest';
import { hasUseStrictDirective, sloppyOnlyUse } from '../../src/lang/js/bundle/sloppy.js';

const table: [string, string, RegExp | undefined][] = [
  ['implicit global', 'function f() { leaked = 1; }\nf();', /undeclared name leaked/],
  ['declared var', 'var x; function f() { x = 1; }', undefined],
  ['module.exports and exports', 'exports = module.exports = function () {};', undefined],
  ['already strict', "'use strict';\nfunction f() { leaked = 1; }", undefined],
  ['strict function', "function f() { 'use strict'; leaked = 1; }", undefined],
  ['this in a plainly called function', 'function who() { return this; }\nmodule.exports = who();', /this in a function called without a receiver/],
  ['this in an IIFE', 'var root = (function () { return this; })();', /this in a function called without a receiver/],
  ['this in an arrow inside an IIFE', '(function () { var g = () => this; module.exports = g(); })();', /this in a function called without a receiver/],
  ['this in a method', 'var o = { m: function () { return this; } };\nmodule.exports = o.m();', undefined],
  ['this in a constructor used with new', 'function C() { this.x = 1; }\nmodule.exports = new C();', undefined],
  ['this in a prototype method', 'function C() {}\nC.prototype.m = function () { return this; };', undefined],
  ['this at the top level (module.exports)', 'var self = this;', undefined],
  ['this with .call', '(function () { this.x = 1; }).call(exports);', undefined],
  ['arguments.callee', 'function f() { return arguments.callee; }', /arguments\.callee/],
  ['write to arguments[0]', 'function f(a) { arguments[0] = 2; return a; }', /arguments\[…\]/],
  ['function in a block used outside it', 'if (true) { function g() { return 1; } }\nmodule.exports = g();', /declared inside a block and used outside/],
  ['function in a block used inside it', 'if (true) { function g() { return 1; } module.exports = g(); }', undefined],
];

describe('sloppyOnlyUse', () => {
  for (const [name, code, expected] of table)
    it(name, () => {
      const r = sloppyOnlyUse(code);
      if (expected) expect(r).toMatch(expected);
      else expect(r).toBeUndefined();
    });

  it.each([
    ["'use strict';\nvar x;", true],
    ['"use strict"; var x;', true],
    ['// header\n"use strict";', true],
    ['var x; "use strict";', false],
    ['function f() { "use strict"; }', false],
  ])('hasUseStrictDirective(%j) = %s', (code, expected) => expect(hasUseStrictDirective(code)).toBe(expected));
});

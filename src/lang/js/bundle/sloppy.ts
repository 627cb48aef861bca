// Code that means something else in strict mode. esbuild puts a bundle's "use strict" (an ES module
// bundle is strict anyway; a CommonJS one takes its entry's directive) at the top of the output file, so
// every CommonJS module inside runs strict even when its own file did not ask for it: a plainly called
// function sees `this` undefined instead of the global object, an assignment to an undeclared name throws
// instead of creating a global. Such a file stays a file.
//
// What is looked for, in files without a "use strict" directive, outside functions that have their own:
// assignments to undeclared names (module, exports, require excepted: the wrapper binds them),
// `arguments.callee`, writes to `arguments[i]` (mapped to the parameters only in sloppy mode), function
// declarations inside blocks used outside them (bound in the function only in sloppy mode), and `this` inside a function
// that is called plainly where we can see it (`f()`, an IIFE). A callback that uses `this` is not
// followed: how the callee calls it is not visible here. An assignment to a global that already exists
// (`Promise = …`) is flagged too, although strict mode allows it: the file only stays a file.
import { traverse } from '../analyze/parse.js';
import { parserFor, type JsParser } from '../../../io/index.js';
import type { NodePath } from '@babel/traverse';
import type * as t from '@babel/types';

const WRAPPER_NAMES = new Set(['module', 'exports', 'require', '__filename', '__dirname']);
const CANDIDATE = /\bthis\b|\barguments\b|=|\bfunction\b/;

const hasUseStrict = (directives: t.Directive[] | undefined): boolean => !!directives?.some((d) => d.value.value === 'use strict');

/** Whether a script starts with a "use strict" directive (false when it does not parse). `parse`: the run's shared parse of `code`. */
export function hasUseStrictDirective(code: string, parse: JsParser = parserFor(code)): boolean {
  if (!/use strict/.test(code)) return false;
  return hasUseStrict(parse('script').ast?.program.directives);
}

/** The first construct whose meaning changes in strict mode, as text; undefined when none (or strict already). */
export function sloppyOnlyUse(code: string, parse: JsParser = parserFor(code)): string | undefined {
  if (!CANDIDATE.test(code)) return undefined;
  const ast = parse('script').ast;
  if (!ast) return undefined; // positionalUse reports what does not parse
  if (hasUseStrict(ast.program.directives)) return undefined;
  let found: string | undefined;
  const at = (n: t.Node) => `line ${n.loc?.start.line ?? 0}`;
  /** Inside a function whose body (or an enclosing one) says "use strict". */
  const strictHere = (p: NodePath): boolean => {
    for (let q: NodePath | null = p; q; q = q.parentPath)
      if (q.isFunction() && q.node.body.type === 'BlockStatement' && hasUseStrict(q.node.body.directives)) return true;
    return false;
  };
  /** A function value we can see being called with no receiver. */
  const calledPlainly = (fn: NodePath<t.Function>): boolean => {
    const parent = fn.parentPath;
    if (fn.isFunctionExpression() && parent?.isCallExpression() && parent.node.callee === fn.node) return true;
    let name: string | undefined;
    if (fn.isFunctionDeclaration()) name = fn.node.id?.name;
    else if (parent?.isVariableDeclarator() && parent.node.init === fn.node && parent.node.id.type === 'Identifier') name = parent.node.id.name;
    if (!name) return false;
    const binding = (fn.isFunctionDeclaration() ? fn.parentPath : fn).scope.getBinding(name);
    return !!binding?.referencePaths.some((r) => r.parentPath?.isCallExpression() && r.parentPath.node.callee === r.node);
  };
  traverse(ast, {
    AssignmentExpression(p) {
      const left = p.node.left;
      if (left.type === 'Identifier' && !WRAPPER_NAMES.has(left.name) && !p.scope.hasBinding(left.name, true) && !strictHere(p))
        found ??= `an assignment to the undeclared name ${left.name} (${at(left)})`;
      if (
        left.type === 'MemberExpression' &&
        left.object.type === 'Identifier' &&
        left.object.name === 'arguments' &&
        !p.scope.getBinding('arguments') &&
        !strictHere(p)
      )
        found ??= `a write to arguments[…] (${at(left)})`;
    },
    MemberExpression(p) {
      const n = p.node;
      if (
        n.object.type === 'Identifier' &&
        n.object.name === 'arguments' &&
        !n.computed &&
        n.property.type === 'Identifier' &&
        n.property.name === 'callee' &&
        !strictHere(p)
      )
        found ??= `arguments.callee (${at(n)})`;
    },
    FunctionDeclaration(p) {
      const parent = p.parentPath;
      const name = p.node.id?.name;
      if (!name || !parent.isBlockStatement() || parent.parentPath?.isFunction() || strictHere(p)) return;
      // Only a use outside the block sees the difference (sloppy mode also binds it in the function).
      const block = parent.node;
      const outer = parent.parentPath?.getFunctionParent() ?? parent.findParent((q) => q.isProgram())!;
      let outside = false;
      outer.traverse({
        ReferencedIdentifier(r) {
          if (r.node.type !== 'Identifier' || r.node.name !== name || (r.node.start! >= block.start! && r.node.end! <= block.end!)) return;
          if (!r.scope.getBinding(name)) outside = true;
        },
      });
      if (outside) found ??= `a function declared inside a block and used outside it (${at(p.node)})`;
    },
    ThisExpression(p) {
      const fn = p.getFunctionParent();
      if (!fn || fn.isArrowFunctionExpression() || fn.isObjectMethod() || fn.isClassMethod() || fn.isClassPrivateMethod()) {
        // Arrows take `this` from outside: look at the function they sit in.
        let outer: NodePath | null = fn;
        while (outer?.isArrowFunctionExpression()) outer = outer.getFunctionParent();
        if (!outer || !(outer.isFunctionDeclaration() || outer.isFunctionExpression())) return;
        if (!strictHere(outer) && calledPlainly(outer as NodePath<t.Function>)) found ??= `this in a function called without a receiver (${at(p.node)})`;
        return;
      }
      if (!strictHere(fn) && calledPlainly(fn)) found ??= `this in a function called without a receiver (${at(p.node)})`;
    },
  });
  return found;
}

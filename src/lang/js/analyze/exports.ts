/**
 * The names a JavaScript module exports, as far as they can be known without running it: ESM `export`
 * declarations and the CommonJS forms `exports.x =`, `module.exports.x =`, `module.exports = { … }` and
 * `Object.defineProperty(exports, 'x', …)`. Anything else that touches the module's `exports` or `module`
 * (`module.exports = require(…)`, a computed key, `__exportStar(…, exports)`, a UMD factory handed
 * `exports`, `export * from`) makes the answer unknown: the check that uses it then says nothing rather
 * than guess (nft's rule for exports it cannot evaluate).
 */
import type { NodePath } from '@babel/traverse';
import type * as t from '@babel/types';
import { traverse } from './parse.js';

export type StaticExports = { names: Set<string> } | { unknown: string };

const isId = (n: t.Node | null | undefined, name: string): n is t.Identifier => n?.type === 'Identifier' && n.name === name;

/** A static property name (`.x`, `['x']`), or undefined for a computed one. */
function memberKey(n: t.MemberExpression): string | undefined {
  if (!n.computed && n.property.type === 'Identifier') return n.property.name;
  return n.property.type === 'StringLiteral' ? n.property.value : undefined;
}

function objectKey(p: t.ObjectProperty | t.ObjectMethod): string | undefined {
  if (!p.computed && p.key.type === 'Identifier') return p.key.name;
  return p.key.type === 'StringLiteral' ? p.key.value : undefined;
}

/** Names bound by an exported declaration (`export const {a, b: [c]} = …` binds a and c). */
function declaredNames(d: t.Declaration): string[] {
  if (d.type === 'VariableDeclaration') return d.declarations.flatMap((v) => patternNames(v.id));
  if ('id' in d && d.id?.type === 'Identifier') return [d.id.name];
  return [];
}

function patternNames(p: t.Node | null | undefined): string[] {
  if (!p) return [];
  if (p.type === 'Identifier') return [p.name];
  if (p.type === 'ObjectPattern') return p.properties.flatMap((q) => patternNames(q.type === 'ObjectProperty' ? q.value : q));
  if (p.type === 'ArrayPattern') return p.elements.flatMap((q) => patternNames(q));
  if (p.type === 'RestElement') return patternNames(p.argument);
  if (p.type === 'AssignmentPattern') return patternNames(p.left);
  return [];
}

export function staticExports(ast: t.File): StaticExports {
  const names = new Set<string>();
  let unknown: string | undefined;
  const giveUp = (why: string, n: t.Node) => {
    unknown ??= `${why} at line ${n.loc?.start.line ?? 0}`;
  };

  for (const s of ast.program.body) {
    if (s.type === 'ExportNamedDeclaration') {
      if (s.declaration) for (const n of declaredNames(s.declaration)) names.add(n);
      for (const sp of s.specifiers) names.add(sp.exported.type === 'Identifier' ? sp.exported.name : sp.exported.value);
    } else if (s.type === 'ExportDefaultDeclaration') names.add('default');
    else if (s.type === 'ExportAllDeclaration') giveUp(`export * from '${s.source.value}'`, s);
  }

  traverse(ast, {
    // Runs once per free `exports` / `module` reference: each one must be one of the known forms.
    Identifier(p) {
      const n = p.node;
      if ((n.name !== 'exports' && n.name !== 'module') || !p.isReferencedIdentifier() || p.scope.hasBinding(n.name, { noGlobals: true })) return;
      // The expression that stands for the exports object: `exports` or `module.exports`.
      let obj: NodePath = p;
      if (n.name === 'module') {
        const parent = p.parentPath;
        if (!parent?.isMemberExpression() || parent.node.object !== n) return giveUp('module used as a value', n);
        const key = memberKey(parent.node);
        if (key !== 'exports') return; // module.id, module.require, module.children: not the exports
        obj = parent;
      }
      const up = obj.parentPath;
      const un = up?.node;
      // module.exports = …
      if (up?.isAssignmentExpression() && up.node.left === obj.node) {
        const right = up.node.right;
        if (right.type !== 'ObjectExpression') return giveUp('module.exports assigned a value that is not an object literal', right);
        for (const prop of right.properties) {
          const key = prop.type === 'SpreadElement' ? undefined : objectKey(prop);
          if (key === undefined) return giveUp('a spread or computed key in module.exports = {…}', prop);
          names.add(key);
        }
        return;
      }
      // exports.x = … / module.exports.x = … (and reads of exports.x, which define nothing)
      if (un?.type === 'MemberExpression' && un.object === obj.node) {
        const key = memberKey(un);
        if (key === undefined) return giveUp('a computed exports[…] key', un);
        const assign = up!.parentPath;
        if (assign?.isAssignmentExpression() && assign.node.left === un) names.add(key);
        return;
      }
      // Object.defineProperty(exports, 'x', …)
      if (un?.type === 'CallExpression' && un.arguments[0] === obj.node && un.callee.type === 'MemberExpression') {
        const callee = un.callee;
        if (isId(callee.object, 'Object') && memberKey(callee) === 'defineProperty') {
          const key = un.arguments[1];
          if (key?.type !== 'StringLiteral') return giveUp('Object.defineProperty(exports, <computed key>)', un);
          names.add(key.value);
          return;
        }
      }
      giveUp('the exports object handed to other code', obj.node);
    },
  });
  return unknown ? { unknown } : { names };
}

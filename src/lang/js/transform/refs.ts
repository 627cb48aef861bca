/**
 * How one reference to a lazy binding is rewritten. Only the identifier's range changes, except for a
 * shorthand property `{ x }` whose whole range becomes `x: GETTER()`.
 */
import type { NodePath } from '@babel/traverse';
import type * as t from '@babel/types';
import type { Access } from './emit.js';

export interface Edit {
  start: number;
  end: number;
  text: string;
}

/** The edit for one reference, or the reason it cannot be rewritten. */
export function refEdit(ref: NodePath<t.Identifier>, access: Access): Edit | { error: string } {
  const node = ref.node;
  const parent = ref.parent;
  const at = { start: node.start!, end: node.end! };
  const where = `line ${node.loc?.start.line}`;
  switch (parent.type) {
    case 'ObjectProperty':
      if (parent.shorthand && parent.value === node) return { start: parent.start!, end: parent.end!, text: `${node.name}: ${access.text}` };
      break;
    case 'CallExpression':
    case 'OptionalCallExpression':
      // A member callee would be called with `this` = the module object; `(0, f)()` calls it with undefined.
      if (parent.callee === node) return { ...at, text: access.member ? `(0, ${access.text})` : access.text };
      break;
    case 'TaggedTemplateExpression':
      if (parent.tag === node) return { ...at, text: access.member ? `(0, ${access.text})` : access.text };
      break;
    case 'NewExpression':
      // `new G()` would construct the getter; `new (G())()` constructs its value.
      if (parent.callee === node) return { ...at, text: `(${access.text})` };
      break;
    case 'ExportSpecifier':
    case 'ExportDefaultDeclaration':
      return { error: `exported at ${where}` };
    case 'UnaryExpression':
      if (parent.operator === 'delete') return { error: `deleted at ${where}` };
      break;
  }
  if (!ref.isReferencedIdentifier()) return { error: `unsupported use (${parent.type}) at ${where}` };
  // `new x.K()` → `new G().K()` would construct G; `new (G()).K()` keeps the original meaning.
  return { ...at, text: headsNewCallee(ref) ? `(${access.text})` : access.text };
}

/** True when the reference starts the member chain that is the callee of a `new` expression. */
function headsNewCallee(ref: NodePath): boolean {
  let p: NodePath = ref;
  while ((p.parentPath?.isMemberExpression() || p.parentPath?.isOptionalMemberExpression()) && (p.parent as t.MemberExpression).object === p.node)
    p = p.parentPath;
  return p !== ref && !!p.parentPath?.isNewExpression() && (p.parent as t.NewExpression).callee === p.node;
}

// Requests that a bundle would resolve from the wrong place. Inside a bundle, `require(name)` with a
// computed name and `require.resolve(…)` resolve from the bundle file (the handler's folder), not from
// the file they were written in, so such files used to stay files (with everything they load). When
// those calls are the file's only location-dependent code, they are anchored instead: the callee
// becomes a require made for the file's original path, so resolution, node_modules lookup and the
// fallback store see exactly what the unbundled file saw. Literal `require('x')` calls are left to
// esbuild (it bundles them); any other use of the free `require` (as a value, `require.cache`,
// `require.main`) leaves the file a file.
import { traverse } from '../analyze/parse.js';
import { parserFor, type JsParser } from '../../../io/index.js';
import type * as t from '@babel/types';

/** Defined by the bundle banner: a require resolving from the given absolute file path. */
export const REQUIRE_FROM = '__faaslightRequireFrom';
/** The original absolute path of a bundled module (defined by its preamble). */
export const SELF = '__faaslightSelf';

export interface AnchorResult {
  /** The source with every anchored callee replaced (unchanged when nothing needed anchoring). */
  code: string;
  /** Calls anchored. */
  anchored: number;
}

const isLiteralRequest = (n: t.Node | undefined): boolean => n?.type === 'StringLiteral' || (n?.type === 'TemplateLiteral' && n.expressions.length === 0);

/**
 * Rewrites `require(<computed>)` and `require.resolve(…)` on the module's own `require` to resolve from
 * `SELF`. Returns undefined when the file uses `require` in another way that a bundle would change, or
 * does not parse. `parse` is the run's shared parse of `code` (JobIO.jsParser).
 */
export function anchorRequires(code: string, isESM: boolean, parse: JsParser = parserFor(code)): AnchorResult | undefined {
  if (isESM) return undefined; // an ES module has no free require; its import(expr) stays a file
  const ast = parse('script').ast;
  if (!ast) return undefined;
  const edits: { start: number; end: number }[] = [];
  let other = false;
  traverse(ast, {
    Identifier(p) {
      if (p.node.name !== 'require' || !p.isReferencedIdentifier() || p.scope.hasBinding('require', { noGlobals: true })) return;
      const parent = p.parent;
      if (parent.type === 'CallExpression' && parent.callee === p.node) {
        if (!isLiteralRequest(parent.arguments[0]) || parent.arguments.length !== 1) edits.push({ start: p.node.start!, end: p.node.end! });
        return;
      }
      if (parent.type === 'UnaryExpression' && parent.operator === 'typeof') return;
      if (
        parent.type === 'MemberExpression' &&
        parent.object === p.node &&
        !parent.computed &&
        parent.property.type === 'Identifier' &&
        parent.property.name === 'resolve'
      ) {
        edits.push({ start: p.node.start!, end: p.node.end! });
        return;
      }
      other = true;
      p.stop();
    },
  });
  if (other) return undefined;
  let out = code;
  for (const e of edits.sort((a, b) => b.start - a.start)) out = `${out.slice(0, e.start)}${REQUIRE_FROM}(${SELF})${out.slice(e.end)}`;
  return { code: out, anchored: edits.length };
}

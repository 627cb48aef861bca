import _traverse from '@babel/traverse';
import type { File } from '@babel/types';
import type { JsParser, JsSourceType } from '../../../io/index.js';

// @babel/traverse is CommonJS: under NodeNext the default import is module.exports (function at `.default`).
type TraverseFn = typeof _traverse.default;
/** Babel's traverse, the same function for every module that walks an AST. */
export const traverse: TraverseFn = _traverse.default ?? (_traverse as unknown as TraverseFn);

export type ParseResult = { ast: File; error?: undefined } | { ast?: undefined; error: string };

/**
 * Reads a deployed JavaScript file the way Node would accept it (the parse itself is src/io's, shared
 * with every other caller). Babel's 'unambiguous' mode picks module when it sees import/export (or
 * import.meta), script otherwise; the script attempt after it is what the bindings analysis of a CommonJS
 * file asks for, so its error is at hand when the file does not parse. .cjs is always a script to Node,
 * .mjs always a module, but a file in the other syntax is still read for its edges.
 */
export function parseByExtension(parse: JsParser, ext: string): ParseResult {
  const order: JsSourceType[] = ext === '.cjs' ? ['script', 'unambiguous'] : ext === '.mjs' ? ['module', 'unambiguous'] : ['unambiguous', 'script'];
  let first: Error | undefined;
  for (const sourceType of order) {
    const r = parse(sourceType);
    if (r.ast) return { ast: r.ast };
    first ??= r.error;
  }
  return { error: first!.message };
}

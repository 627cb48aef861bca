import { parse, type ParserOptions } from '@babel/parser';
import _traverse from '@babel/traverse';
import type { File } from '@babel/types';

// @babel/traverse is CommonJS: under NodeNext the default import is module.exports (function at `.default`).
type TraverseFn = typeof _traverse.default;
/** Babel's traverse, the same function for every module that walks an AST. */
export const traverse: TraverseFn = _traverse.default ?? (_traverse as unknown as TraverseFn);

/**
 * Parses a deployed JavaScript file the way Node would accept it. Deployed code is plain JS
 * (CommonJS, ESM, or either with a hashbang), so no JSX/TypeScript plugins: a file needing them
 * would not run in Node either. Babel's 'unambiguous' mode picks module when it sees
 * import/export (or import.meta), script otherwise; the script retry catches sloppy-mode code
 * that 'unambiguous' rejected while trying module first.
 */
const BASE: ParserOptions = {
  allowReturnOutsideFunction: true, // CommonJS bodies may `return` at top level
  allowAwaitOutsideFunction: true, // top-level await in ESM
  allowImportExportEverywhere: true,
  allowNewTargetOutsideFunction: true,
  allowSuperOutsideMethod: true,
  allowUndeclaredExports: true,
  errorRecovery: false,
  attachComment: false, // comments are not needed here, and attaching them is a measurable share of parse time
  plugins: ['importAttributes', 'explicitResourceManagement'],
};

export type ParseResult = { ast: File; error?: undefined } | { ast?: undefined; error: string };

export function parseJs(code: string, ext: string): ParseResult {
  // .cjs is always a script to Node; .mjs always a module.
  const order: ParserOptions['sourceType'][] =
    ext === '.cjs' ? ['script', 'unambiguous'] : ext === '.mjs' ? ['module', 'unambiguous'] : ['unambiguous', 'script'];
  let first: unknown;
  for (const sourceType of order) {
    try {
      return { ast: parse(code, { ...BASE, sourceType }) };
    } catch (e) {
      first ??= e;
    }
  }
  return { error: first instanceof Error ? first.message : String(first) };
}

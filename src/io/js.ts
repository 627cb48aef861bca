// The one place JavaScript is parsed. Every caller (graph scan, bindings, barrels, the lazy rewrite's
// check, the bundle's anchor/sloppy/positional tests) gets an AST made with the same options, so one
// parse of a file serves all of them.
import { parse, type ParserOptions } from '@babel/parser';
import type { File } from '@babel/types';

/** 'unambiguous' is Babel's: module when the file has import/export or import.meta, script otherwise. */
export type JsSourceType = 'module' | 'script' | 'unambiguous';

/**
 * A Babel AST, or the error Babel threw (kept as thrown: callers report `message`, `String(error)`, or
 * rethrow it). `ast.program.sourceType` says which mode the AST was parsed in.
 */
export type JsParse = { ast: File; error?: undefined } | { ast?: undefined; error: Error };

/** Parses the file once per source type asked; each call of this is one Babel parse. */
export type JsParser = (sourceType: JsSourceType) => JsParse;

/**
 * The union of what the callers used before they shared a parse; deployed code is plain JavaScript, so
 * for every file Node can load these give the AST each caller's own options gave:
 * - the allow* flags accept CommonJS bodies (top-level `return`), top-level `await`, and code that is
 *   only wrong in a place Node would reject anyway (the scan took everything it could read);
 * - errorRecovery stays off: 'unambiguous' with recovery would keep strict-mode errors of the module
 *   attempt in a file that is a valid script;
 * - comments are not attached (no caller reads them, and attaching costs a measurable share of the parse);
 * - the plugins are the ones in use: import attributes and `using` (scan), decorators (bindings), JSX
 *   (bundle). They change nothing for code without `@` or `<` starting an expression, which Node
 *   cannot run.
 * Tokens (for the bundle's positional test) are asked for per run: they cost about half a parse again.
 */
export const BABEL_OPTIONS: Readonly<ParserOptions> = {
  allowReturnOutsideFunction: true,
  allowAwaitOutsideFunction: true,
  allowImportExportEverywhere: true,
  allowNewTargetOutsideFunction: true,
  allowSuperOutsideMethod: true,
  allowUndeclaredExports: true,
  errorRecovery: false,
  attachComment: false,
  plugins: ['importAttributes', 'explicitResourceManagement', ['decorators', { decoratorsBeforeExport: true }], 'jsx'],
};

/** One Babel parse with the shared options (uncached: JobIO.parseJs caches). */
export function parseJsSource(code: string, sourceType: JsSourceType, tokens = false): JsParse {
  try {
    return { ast: parse(code, { ...BABEL_OPTIONS, sourceType, tokens }) };
  } catch (e) {
    return { error: e instanceof Error ? e : new Error(String(e)) };
  }
}

/** A parser for text that is not a file of the run (tests, generated code): every call parses. */
export const parserFor =
  (code: string, tokens = false): JsParser =>
  (sourceType) =>
    parseJsSource(code, sourceType, tokens);

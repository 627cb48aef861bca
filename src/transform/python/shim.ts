import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parsePython, textOf } from '../../analyze/python/parser.js';

/** The runtime shim shipped in every optimized Python package, at `.faaslight/_faaslight.py`. */
export const PYTHON_SHIM_SOURCE = fileURLToPath(new URL('../../../runtime/python/_faaslight.py', import.meta.url));
export const PYTHON_SHIM_TARGET = '.faaslight/_faaslight.py';
export const SHIM_MARKER = '# faaslight: runtime shim';

export async function writePythonShim(outDir: string): Promise<string> {
  const dest = path.join(outDir, ...PYTHON_SHIM_TARGET.split('/'));
  await fsp.mkdir(path.dirname(dest), { recursive: true });
  await fsp.copyFile(PYTHON_SHIM_SOURCE, dest);
  return PYTHON_SHIM_TARGET;
}

/**
 * The statement that makes `_fl_rt` (the shim) available in a module at `file` (relative to the package
 * root): it finds `.faaslight/` from `__file__`, imports the shim once (sys.modules caches it) and leaves
 * sys.path as it was, so nothing else in `.faaslight/` becomes importable.
 */
export function shimStatement(file: string): string {
  const depth = file.split('/').length - 1;
  const up = Array.from({ length: depth }, () => "'..', ").join('');
  return (
    `import sys as _fl_sys, os as _fl_os; _fl_p = _fl_os.path.normpath(_fl_os.path.join(_fl_os.path.dirname(_fl_os.path.abspath(__file__)), ${up}'.faaslight')); ` +
    `_fl_sys.path.insert(0, _fl_p); import _faaslight as _fl_rt; _fl_sys.path.remove(_fl_p); del _fl_sys, _fl_os, _fl_p`
  );
}

/**
 * Inserts `stmt` after the module docstring and `from __future__` imports (which must stay first),
 * on an existing line where possible so every later line keeps its number:
 *   """doc"""            →  """doc"""; <stmt>
 *   x = 1  (first stmt)  →  <stmt>; x = 1
 *   def f(): … (compound) →  <stmt>\ndef f(): …   (lines shift by one)
 */
export function insertHeader(code: string, stmt: string): string {
  const { root, error } = parsePython(code);
  if (error) throw new Error(`cannot insert the shim into unparsable code: ${error.message}`);
  const stmts = root.namedChildren.filter((c) => c.type !== 'comment');
  let lastHead: (typeof stmts)[number] | undefined;
  for (const [i, s] of stmts.entries()) {
    const isDoc = i === 0 && s.type === 'expression_statement' && s.namedChildren.length === 1 && s.namedChildren[0].type === 'string';
    if (isDoc || s.type === 'future_import_statement') lastHead = s;
    else break;
  }
  if (lastHead) return `${code.slice(0, lastHead.endIndex)}; ${stmt}${code.slice(lastHead.endIndex)}`;
  const first = stmts[0];
  if (!first) return `${code}${code.endsWith('\n') || code === '' ? '' : '\n'}${stmt}  ${SHIM_MARKER}\n`;
  const lineStart = code.lastIndexOf('\n', first.startIndex - 1) + 1;
  const compound = /(_definition|_statement)$/.test(first.type) && !SIMPLE.has(first.type);
  if (!compound && lineStart === first.startIndex && first.endPosition.row === first.startPosition.row) {
    return `${code.slice(0, first.startIndex)}${stmt}; ${code.slice(first.startIndex)}`;
  }
  return `${code.slice(0, lineStart)}${stmt}  ${SHIM_MARKER}\n${code.slice(lineStart)}`;
}

const SIMPLE = new Set([
  'expression_statement', 'import_statement', 'import_from_statement', 'return_statement', 'pass_statement', 'assert_statement',
  'delete_statement', 'raise_statement', 'global_statement', 'nonlocal_statement', 'print_statement', 'type_alias_statement',
]);

/** Handler modules get the shim statement (which also installs the fallback finder) before anything runs. */
export function injectPythonShim(code: string, file = 'handler.py'): string {
  if (hasShim(code)) return code;
  return insertHeader(code, shimStatement(file));
}

export function hasShim(code: string): boolean {
  return code.includes('import _faaslight as _fl_rt');
}

export { textOf };

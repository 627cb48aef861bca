import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parsePython, textOf, type ParsedPython } from '../analyze/parser.js';

/** The runtime shim shipped in every optimized Python package, at `.faaslight/_faaslight.py`. */
export const PYTHON_SHIM_SOURCE = fileURLToPath(new URL('../../../../runtime/python/_faaslight.py', import.meta.url));
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
 * root). Usually the shim is already in sys.modules (one dict lookup); otherwise — the handler module,
 * or a vendored module something imports before the handler — it is imported from `.faaslight/`, found
 * from `__file__`, and sys.path is restored so nothing else in `.faaslight/` becomes importable.
 */
export function shimStatement(file: string): string {
  const depth = file.split('/').length - 1;
  const up = Array.from({ length: depth }, () => "'..', ").join('');
  return (
    "_fl_rt = __import__('sys').modules.get('_faaslight') or (lambda _s, _o: (_s.path.insert(0, _d := _o.path.normpath(_o.path.join(" +
    `_o.path.dirname(_o.path.abspath(__file__)), ${up}'.faaslight'))), __import__('_faaslight'), _s.path.remove(_d))[1])(__import__('sys'), __import__('os'))`
  );
}

/**
 * Inserts `stmt` after the module docstring and `from __future__` imports (which must stay first),
 * on an existing line where possible so every later line keeps its number:
 *   """doc"""            →  """doc"""; <stmt>
 *   x = 1  (first stmt)  →  <stmt>; x = 1
 *   def f(): … (compound) →  <stmt>\ndef f(): …   (lines shift by one)
 */
export function insertHeader(code: string, stmt: string, parse: (code: string) => ParsedPython = parsePython): string {
  const { root, error } = parse(code);
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
  'expression_statement',
  'import_statement',
  'import_from_statement',
  'return_statement',
  'pass_statement',
  'assert_statement',
  'delete_statement',
  'raise_statement',
  'global_statement',
  'nonlocal_statement',
  'print_statement',
  'type_alias_statement',
]);

/** Handler modules get the shim statement (which also installs the fallback finder) before anything runs. */
export function injectPythonShim(code: string, file = 'handler.py'): string {
  if (hasShim(code)) return code;
  return insertHeader(code, shimStatement(file));
}

export function hasShim(code: string): boolean {
  return code.includes("_fl_rt = __import__('sys').modules.get('_faaslight')");
}

export { textOf };

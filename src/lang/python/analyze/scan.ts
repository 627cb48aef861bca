import type { FileAnalysis, ImportRecord } from '../../../types.js';
import { columnOf, parsePython, stringValue, textOf, type ParsedPython, type PyNode } from './parser.js';

/** One import found in a Python file (plain data). */
export interface PyImport {
  /** import a.b / from m import x / from m import * / importlib.import_module('m') or __import__('m'). */
  kind: 'import' | 'from' | 'star' | 'dynamic';
  /** Dotted module name; relative imports keep their leading dots ("..pkg.mod", "."). Empty when unknown. */
  module: string;
  /** `from m import a as b`: the imported names (a submodule or an attribute of m). */
  names: { name: string; alias?: string }[];
  /** `import a.b as x` (binds the submodule itself, not the top-level package). */
  aliased?: boolean;
  /** Local names the statement binds ("np" for `import numpy as np`, "a" for `import a.b`). */
  bound: string[];
  /** Dynamic import whose argument is not a literal: anything may be loaded. */
  unknown?: boolean;
  /** Directly at module level (not inside if/try/with/def/class). */
  topLevel: boolean;
  /** Inside a def or lambda: runs only when that function runs. */
  inFunction: boolean;
  /** Inside `try:` whose handlers catch ImportError/ModuleNotFoundError/Exception: a failure is expected. */
  guarded: boolean;
  /** Statement range (string indices) and 1-based position. */
  start: number;
  end: number;
  line: number;
  column: number;
}

export interface PyScan {
  file: string;
  imports: PyImport[];
  /** Literal `__all__`; null when absent, 'unknown' when computed. */
  all: string[] | null | 'unknown';
  /** Root-relative directories this file puts on sys.path with statically known paths. */
  pathInserts: string[];
  /** sys.path edits whose argument could not be evaluated (lines). */
  unknownPathInserts: number[];
  /** `from __future__ import x` names (they change how a snippet must be compiled). */
  futures: string[];
  parseError?: { message: string; line: number; column: number };
}

const IMPORT_ERRORS = new Set(['ImportError', 'ModuleNotFoundError', 'Exception', 'BaseException']);

/** Scans one file for its import edges, `__all__` and sys.path edits. Pure; parse once and pass `parsed` to reuse. */
export function scanPythonFile(file: string, code: string, parsed: ParsedPython = parsePython(code)): PyScan {
  const out: PyScan = { file, imports: [], all: null, pathInserts: [], unknownPathInserts: [], futures: [] };
  if (parsed.error) {
    out.parseError = parsed.error;
    return out;
  }
  const root = parsed.root;
  for (const node of root.descendantsOfType(['import_statement', 'import_from_statement', 'future_import_statement'])) {
    const ctx = contextOf(code, node);
    const base = { ...ctx, start: node.startIndex, end: node.endIndex, line: node.startPosition.row + 1, column: columnOf(code, node.startIndex) };
    if (node.type === 'future_import_statement') {
      for (const n of node.childrenForFieldName('name')) out.futures.push(textOf(code, n.type === 'aliased_import' ? n.childForFieldName('name')! : n));
      continue;
    }
    if (node.type === 'import_statement') {
      // `import a.b, c as d` is several imports; one record each keeps edges simple.
      for (const n of node.childrenForFieldName('name')) {
        const aliased = n.type === 'aliased_import';
        const module = textOf(code, aliased ? n.childForFieldName('name')! : n).replace(/\s+/g, '');
        const bound = aliased ? textOf(code, n.childForFieldName('alias')!) : module.split('.')[0];
        out.imports.push({ kind: 'import', module, names: [], bound: [bound], ...(aliased ? { aliased } : {}), ...base });
      }
      continue;
    }
    const modNode = node.childForFieldName('module_name')!;
    const module = textOf(code, modNode).replace(/\s+/g, '');
    if (node.namedChildren.some((c) => c.type === 'wildcard_import')) {
      out.imports.push({ kind: 'star', module, names: [], bound: [], ...base });
      continue;
    }
    const names = node
      .childrenForFieldName('name')
      .map((n) =>
        n.type === 'aliased_import'
          ? { name: textOf(code, n.childForFieldName('name')!), alias: textOf(code, n.childForFieldName('alias')!) }
          : { name: textOf(code, n) },
      );
    out.imports.push({ kind: 'from', module, names, bound: names.map((n) => n.alias ?? n.name), ...base });
  }
  scanCalls(code, root, out);
  out.all = scanAll(code, root);
  out.imports.sort((a, b) => a.start - b.start);
  return out;
}

function contextOf(code: string, node: PyNode): Pick<PyImport, 'topLevel' | 'inFunction' | 'guarded'> {
  const topLevel = node.parent?.type === 'module';
  let inFunction = false;
  let guarded = false;
  for (let p = node.parent; p && p.type !== 'module'; p = p.parent) {
    if (p.type === 'function_definition' || p.type === 'lambda') inFunction = true;
    if (p.type === 'block' && p.parent?.type === 'try_statement' && p.parent.childForFieldName('body')?.id === p.id) {
      guarded ||= p.parent.namedChildren.some((h) => h.type === 'except_clause' && catchesImportError(code, h));
    }
  }
  return { topLevel, inFunction, guarded };
}

function catchesImportError(code: string, clause: PyNode): boolean {
  const value = clause.namedChildren.find((c) => c.type !== 'block' && c.type !== 'comment');
  if (!value) return true; // bare except
  const names = textOf(code, value)
    .split(/[\s,()]+|\bas\b/)
    .map((s) => s.split('.').pop()!);
  return names.some((n) => IMPORT_ERRORS.has(n));
}

const DYNAMIC_RE = /\b(import_module|__import__)\s*\(|\bsys\.path\.(insert|append)\s*\(/g;

// Only calls near a regex hit are examined: walking every call node of a big file is the slow part.
function scanCalls(code: string, root: PyNode, out: PyScan): void {
  for (const m of code.matchAll(DYNAMIC_RE)) {
    let node: PyNode | null = root.descendantForIndex(m.index!, m.index! + m[0].length - 1);
    while (node && node.type !== 'call') node = node.parent;
    if (!node) continue;
    const fn = textOf(code, node.childForFieldName('function')!).replace(/\s+/g, '');
    const args = node.childForFieldName('arguments')?.namedChildren.filter((a) => a.type !== 'comment') ?? [];
    const ctx = contextOf(code, node);
    const base = { ...ctx, start: node.startIndex, end: node.endIndex, line: node.startPosition.row + 1, column: columnOf(code, node.startIndex) };
    if (fn === 'sys.path.insert' || fn === 'sys.path.append') {
      const arg = fn.endsWith('insert') ? args[1] : args[0];
      const dir = arg ? evalPath(code, arg, out.file) : undefined;
      if (dir !== undefined) out.pathInserts.push(dir);
      else out.unknownPathInserts.push(base.line);
      continue;
    }
    if (fn !== '__import__' && fn !== 'importlib.import_module' && fn !== 'import_module') continue;
    const name = stringValue(code, args[0]);
    if (name === undefined) {
      out.imports.push({ kind: 'dynamic', module: '', names: [], bound: [], unknown: true, ...base });
      continue;
    }
    let module = name;
    if (name.startsWith('.')) {
      const pkgArg =
        args.find((a) => a.type === 'keyword_argument' && textOf(code, a.childForFieldName('name')!) === 'package')?.childForFieldName('value') ?? args[1];
      const pkg = stringValue(code, pkgArg);
      if (pkg !== undefined) module = resolveRelativeName(name, pkg);
      else if (!(pkgArg && /^__(package|name)__$/.test(textOf(code, pkgArg)))) {
        out.imports.push({ kind: 'dynamic', module: '', names: [], bound: [], unknown: true, ...base });
        continue;
      }
    }
    out.imports.push({ kind: 'dynamic', module, names: [], bound: [], ...base });
  }
}

/** ".x" relative to package "a.b" → "a.b.x"; "..x" → "a.x". */
export function resolveRelativeName(name: string, pkg: string): string {
  const level = name.length - name.replace(/^\.+/, '').length;
  const parts = pkg.split('.');
  const base = parts.slice(0, parts.length - (level - 1));
  const rest = name.slice(level);
  return [...base, ...(rest ? [rest] : [])].join('.');
}

/**
 * Evaluates the small language handlers use to extend sys.path: literals (relative to the task root,
 * which is the working directory on Lambda), __file__, os.path.dirname/join/abspath/realpath, `+`,
 * pathlib's Path(__file__).parent / 'x'. Returns a root-relative POSIX directory or undefined.
 */
export function evalPath(code: string, node: PyNode, file: string): string | undefined {
  const v = evalExpr(code, node, file);
  // Absolute paths point outside the package (or at the task root, which is already searched).
  if (v === undefined || v.startsWith('/')) return undefined;
  return normalize(v);
}

// Values are root-relative paths (`__file__` is the file's own path).
function evalExpr(code: string, node: PyNode, file: string): string | undefined {
  const t = node.type;
  if (t === 'parenthesized_expression') return evalExpr(code, node.namedChildren[0], file);
  if (t === 'string') return stringValue(code, node);
  if (t === 'identifier' && textOf(code, node) === '__file__') return file;
  if (t === 'binary_operator') {
    const op = textOf(code, node.childForFieldName('operator')!);
    const l = evalExpr(code, node.childForFieldName('left')!, file);
    const r = evalExpr(code, node.childForFieldName('right')!, file);
    if (l === undefined || r === undefined) return undefined;
    if (op === '+') return l + r;
    if (op === '/') return joinPath(l, r); // pathlib
    return undefined;
  }
  if (t === 'attribute') {
    const attr = textOf(code, node.childForFieldName('attribute')!);
    const obj = evalExpr(code, node.childForFieldName('object')!, file);
    if (obj !== undefined && attr === 'parent') return dirname(obj);
    return undefined;
  }
  if (t !== 'call') return undefined;
  const fn = textOf(code, node.childForFieldName('function')!).replace(/\s+/g, '');
  const args = node.childForFieldName('arguments')?.namedChildren.filter((a) => a.type !== 'comment') ?? [];
  const vals = args.map((a) => evalExpr(code, a, file));
  if (vals.some((v) => v === undefined)) return undefined;
  if (fn === 'os.getcwd' || fn === 'getcwd') return '';
  if (/^(os\.path\.|path\.)?(abspath|realpath|normpath)$/.test(fn) || /^(Path|pathlib\.Path|str|os\.fspath)$/.test(fn))
    return vals.length === 1 ? vals[0] : undefined;
  if (/^(os\.path\.|path\.)?dirname$/.test(fn) && vals.length === 1) return dirname(vals[0]!);
  if (/^(os\.path\.|path\.)?join$/.test(fn) && vals.length >= 1) return vals.reduce((a, b) => joinPath(a!, b!))!;
  if (fn.endsWith('.resolve') || fn.endsWith('.absolute')) {
    return evalExpr(code, node.childForFieldName('function')!.childForFieldName('object')!, file);
  }
  return undefined;
}

function dirname(p: string): string {
  const i = p.replace(/\/+$/, '').lastIndexOf('/');
  return i < 0 ? '' : p.slice(0, i);
}
function joinPath(a: string, b: string): string {
  if (b.startsWith('/')) return b;
  return a === '' ? b : `${a.replace(/\/+$/, '')}/${b}`;
}
function normalize(p: string): string | undefined {
  const out: string[] = [];
  for (const part of p.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (!out.length) return undefined; // leaves the package
      out.pop();
    } else out.push(part);
  }
  return out.join('/');
}

function scanAll(code: string, root: PyNode): string[] | null | 'unknown' {
  let all: string[] | null | 'unknown' = null;
  for (const stmt of root.namedChildren) {
    if (stmt.type !== 'expression_statement') continue;
    const e = stmt.namedChildren[0];
    if (!e || (e.type !== 'assignment' && e.type !== 'augmented_assignment')) continue;
    const left = e.childForFieldName('left');
    if (!left || textOf(code, left) !== '__all__') continue;
    const right = e.childForFieldName('right');
    const items = right && (right.type === 'list' || right.type === 'tuple') ? right.namedChildren.map((c) => stringValue(code, c)) : [undefined];
    if (items.some((i) => i === undefined) || all === 'unknown') {
      all = 'unknown';
      continue;
    }
    all = e.type === 'assignment' ? (items as string[]) : [...(all ?? []), ...(items as string[])];
  }
  return all;
}

/** The shared FileAnalysis shape (for the report and `why`): Python imports become 'import' records. */
export function toFileAnalysis(scan: PyScan): FileAnalysis {
  const imports: ImportRecord[] = scan.imports.map((i) => ({
    kind: i.kind === 'dynamic' ? 'dynamic-import' : 'import',
    ...(i.unknown ? { unknown: true } : { specifier: i.module }),
    line: i.line,
    column: i.column,
  }));
  return { file: scan.file, isESM: false, imports, assets: [], ...(scan.parseError ? { parseError: scan.parseError.message } : {}) };
}

import type { Diagnostic } from '../../../types.js';
import { diag } from '../../../diagnostics.js';
import { SAFE_DECORATORS, decoratorName } from './bindings.js';
import { nameTokens, textOf, type PyNode } from './parser.js';
import type { PyFileInfo } from './graph.js';

/** A function that is never reached from a handler and can be replaced by an exact stub. */
export interface StubCandidate {
  file: string;
  name: string;
  /** "f" or "C.m". */
  qualname: string;
  /** Enclosing top-level class, for methods. */
  cls?: string;
  kind: 'function' | 'generator' | 'coroutine';
  /** 1-based lines of the `def` (without decorators) to the end of the body. */
  line: number;
  endLine: number;
  /** String ranges: the `def … :` header, the whole body block, the docstring statement if any. */
  headerStart: number;
  headerEnd: number;
  bodyStart: number;
  bodyEnd: number;
  docstring?: [number, number];
  /** Argument list that passes every parameter on exactly: "a, b, *args, c=c, **kw". */
  forward: string;
  /** Source characters the stub saves. */
  saved: number;
  reason: string;
}

export interface StubAnalysis {
  candidates: StubCandidate[];
  /** Units that were not reached but cannot be stubbed exactly (FL504, info). */
  diagnostics: Diagnostic[];
  /** Reached functions, for `why`: qualname → the reason. */
  reachedCount: number;
}

interface Unit {
  file: string;
  name: string;
  cls?: string;
  def: PyNode;
  decorators: string[];
  body: [number, number];
}

function unitsOf(info: PyFileInfo): Unit[] {
  const { code, parsed, file } = info;
  const out: Unit[] = [];
  const take = (stmt: PyNode, cls?: string) => {
    let def = stmt;
    const decorators: string[] = [];
    if (stmt.type === 'decorated_definition') {
      def = stmt.childForFieldName('definition')!;
      for (const d of stmt.namedChildren) if (d.type === 'decorator') decorators.push(decoratorName(code, d));
    }
    if (def.type === 'function_definition') {
      const body = def.childForFieldName('body')!;
      out.push({ file, name: textOf(code, def.childForFieldName('name')!), cls, def, decorators, body: [body.startIndex, body.endIndex] });
    } else if (def.type === 'class_definition' && !cls) {
      const name = textOf(code, def.childForFieldName('name')!);
      for (const m of def.childForFieldName('body')!.namedChildren) take(m, name);
    }
  };
  for (const s of parsed.root.namedChildren) take(s);
  return out;
}

/** Names in one file: at init (outside unit bodies, `__all__` strings excluded) and per unit body. */
function fileNames(info: PyFileInfo, units: Unit[]): { init: Set<string>; perUnit: Map<Unit, Set<string>> } {
  const { code, parsed } = info;
  const ranges = units.map((u) => ({ s: u.body[0], e: u.body[1], u })).sort((a, b) => a.s - b.s);
  const allRanges: [number, number][] = [];
  for (const stmt of parsed.root.namedChildren) {
    const e = stmt.type === 'expression_statement' ? stmt.namedChildren[0] : undefined;
    if (e && (e.type === 'assignment' || e.type === 'augmented_assignment') && textOf(code, e.childForFieldName('left')!) === '__all__')
      allRanges.push([stmt.startIndex, stmt.endIndex]);
  }
  const init = new Set<string>();
  const perUnit = new Map<Unit, Set<string>>();
  const at = (i: number): Unit | undefined => {
    let lo = 0;
    let hi = ranges.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (i < ranges[mid].s) hi = mid - 1;
      else if (i >= ranges[mid].e) lo = mid + 1;
      else return ranges[mid].u;
    }
    return undefined;
  };
  const note = (name: string, i: number) => {
    const u = at(i);
    if (!u) init.add(name);
    else {
      let s = perUnit.get(u);
      if (!s) perUnit.set(u, (s = new Set()));
      s.add(name);
    }
  };
  // A def's own name is a definition, not a use.
  const defNames = new Set(units.map((u) => u.def.childForFieldName('name')!.startIndex));
  const tk = nameTokens(parsed);
  for (let k = 0; k < tk.idStart.length; k++) if (!defNames.has(tk.idStart[k])) note(code.slice(tk.idStart[k], tk.idEnd[k]), tk.idStart[k]);
  for (let k = 0; k < tk.strStart.length; k++) {
    const at = tk.strStart[k];
    const t = code.slice(at, tk.strEnd[k]);
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(t)) continue;
    if (allRanges.some(([a, b]) => at >= a && at < b)) continue;
    note(t, at);
  }
  return { init, perUnit };
}

const MIN_BODY_LINES = 3;

// Methods the interpreter and the standard library call by protocol, never by a name in the code:
// import hooks, file-like, mapping, logging, threading, json, pickle, copy, unittest.
export const PROTOCOL_NAMES = new Set([
  'find_spec',
  'find_module',
  'load_module',
  'exec_module',
  'create_module',
  'module_repr',
  'get_code',
  'get_source',
  'get_data',
  'get_filename',
  'get_resource_reader',
  'is_package',
  'invalidate_caches',
  'path_stats',
  'source_to_code',
  'find_distributions',
  'keys',
  'items',
  'values',
  'get',
  'read',
  'readline',
  'readlines',
  'readinto',
  'write',
  'writelines',
  'flush',
  'close',
  'fileno',
  'seek',
  'tell',
  'readable',
  'writable',
  'seekable',
  'isatty',
  'truncate',
  'send',
  'throw',
  'emit',
  'handle',
  'handleError',
  'filter',
  'format',
  'formatTime',
  'formatException',
  'run',
  'default',
  'encode',
  'decode',
  'setUp',
  'tearDown',
  'setUpClass',
  'tearDownClass',
  'fspath',
  'register',
  'acquire',
  'release',
  'match',
  'search',
]);
const RESERVED = new Set(['_fl_S', '_fl_rt']);

/**
 * Name-based reachability over the reached modules (PyCG-style, without types): init code of every
 * module is reached; a function or method is reached when its name occurs (as a name, an attribute or a
 * string literal) in reached code; dunder methods and functions with decorators that may register them
 * are always reached, and so is every name native extensions carry as a string (C code calls Python
 * by name: PyImport_ImportModule + PyObject_GetAttrString). Unreached functions that can be stubbed
 * exactly become candidates. A wrong
 * "unreached" only costs a fallback load: the stub is exact by construction.
 */
export function findStubCandidates(infos: PyFileInfo[], entries: string[], handlerNames: string[], extraReached: Iterable<string> = []): StubAnalysis {
  const diagnostics: Diagnostic[] = [];
  const reached = new Set<string>([...handlerNames, ...extraReached]);
  const units: Unit[] = [];
  const names = new Map<Unit, Set<string>>();
  for (const info of infos) {
    if (info.scan.parseError) continue;
    const us = unitsOf(info);
    const { init, perUnit } = fileNames(info, us);
    for (const n of init) reached.add(n);
    for (const u of us) {
      units.push(u);
      names.set(u, perUnit.get(u) ?? new Set());
    }
  }
  const byName = new Map<string, Unit[]>();
  for (const u of units) byName.set(u.name, [...(byName.get(u.name) ?? []), u]);
  const isReached = new Set<Unit>();
  const work: Unit[] = [];
  const reach = (u: Unit) => {
    if (isReached.has(u)) return;
    isReached.add(u);
    work.push(u);
  };
  for (const u of units) {
    if (/^__\w+__$/.test(u.name) || (u.cls && PROTOCOL_NAMES.has(u.name)) || u.decorators.some((d) => !SAFE_DECORATORS.has(d))) reach(u);
  }
  for (const n of reached) for (const u of byName.get(n) ?? []) reach(u);
  while (work.length) {
    const u = work.pop()!;
    for (const n of names.get(u)!) {
      if (reached.has(n)) continue;
      reached.add(n);
      for (const t of byName.get(n) ?? []) reach(t);
    }
  }
  const codeOf = new Map(infos.map((i) => [i.file, i.code]));
  const candidates: StubCandidate[] = [];
  for (const u of units) {
    if (isReached.has(u) || entries.includes(u.file)) continue;
    const code = codeOf.get(u.file)!;
    const why = eligibility(code, u);
    const qual = u.cls ? `${u.cls}.${u.name}` : u.name;
    if (typeof why === 'string') {
      if (why !== 'small')
        diagnostics.push(
          diag('FL504', 'info', `${u.file}:${u.def.startPosition.row + 1}: ${qual} is never reached but stays whole: ${why}`, {
            file: u.file,
            line: u.def.startPosition.row + 1,
          }),
        );
      continue;
    }
    candidates.push({ file: u.file, name: u.name, qualname: qual, ...(u.cls ? { cls: u.cls } : {}), ...why, reason: `no reached code refers to ${u.name}` });
  }
  candidates.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line));
  return { candidates, diagnostics, reachedCount: isReached.size };
}

type Shape = Omit<StubCandidate, 'file' | 'name' | 'qualname' | 'cls' | 'reason'>;

/** Checks that a stub can reproduce the function exactly; returns its shape or why not. */
function eligibility(code: string, u: Unit): Shape | string {
  const def = u.def;
  const body = def.childForFieldName('body')!;
  const line = def.startPosition.row + 1;
  const endLine = def.endPosition.row + 1;
  const lineStart = code.lastIndexOf('\n', def.startIndex - 1) + 1;
  if (code.slice(lineStart, def.startIndex).trim() !== '') return 'the def does not start its line';
  if (body.startPosition.row === def.startPosition.row) return 'small';
  const isAsync = code.startsWith('async', def.startIndex);
  const bodyText = code.slice(body.startIndex, body.endIndex);
  const own = (n: PyNode) => {
    for (let p = n.parent; p && p.id !== def.id; p = p.parent)
      if (p.type === 'function_definition' || p.type === 'lambda' || p.type === 'class_definition') return false;
    return true;
  };
  // The text test is a cheap filter; the tree decides.
  const hasYield = /\byield\b/.test(bodyText) && body.descendantsOfType('yield').some(own);
  if (isAsync && hasYield) return 'async generators cannot be forwarded exactly';
  if (u.cls && /\b(super|__class__)\b/.test(bodyText) && body.descendantsOfType('identifier').some((n) => /^(super|__class__)$/.test(textOf(code, n)))) {
    return 'uses super()/__class__ (a closure cell the stub cannot share)';
  }
  const first = body.namedChildren.find((c) => c.type !== 'comment');
  const doc = first?.type === 'expression_statement' && first.namedChildren[0]?.type === 'string' ? first : undefined;
  const rest = body.namedChildren.filter((c) => c.type !== 'comment' && c !== doc);
  const bodyLines = endLine - (doc ? doc.endPosition.row + 1 : def.childForFieldName('body')!.startPosition.row);
  if (bodyLines < MIN_BODY_LINES || rest.length === 0) return 'small';
  const forward = forwardArgs(code, def.childForFieldName('parameters')!);
  if (forward === undefined) return 'parameter list not understood';
  if (forward.names.some((n) => RESERVED.has(n))) return 'a parameter uses a name the stub needs';
  const colon = def.children.find(
    (c) =>
      c.type === ':' &&
      c.startIndex < body.startIndex &&
      c.startIndex >= (def.childForFieldName('return_type') ?? def.childForFieldName('parameters')!).endIndex,
  );
  if (!colon) return 'header not understood';
  return {
    kind: isAsync ? 'coroutine' : hasYield ? 'generator' : 'function',
    line,
    endLine,
    headerStart: def.startIndex,
    headerEnd: colon.endIndex,
    bodyStart: body.startIndex,
    bodyEnd: body.endIndex,
    ...(doc ? { docstring: [doc.startIndex, doc.endIndex] as [number, number] } : {}),
    forward: forward.text,
    saved: body.endIndex - body.startIndex,
  };
}

/** Positional (and positional-only) parameters forward positionally, *args as *args, keyword-only as k=k. */
export function forwardArgs(code: string, params: PyNode): { text: string; names: string[] } | undefined {
  const parts: string[] = [];
  const names: string[] = [];
  let kwOnly = false;
  for (const p of params.namedChildren) {
    if (p.type === 'comment') continue;
    if (p.type === 'positional_separator') continue;
    if (p.type === 'keyword_separator') {
      kwOnly = true;
      continue;
    }
    let node = p;
    if (p.type === 'typed_parameter') {
      node = p.namedChildren[0];
    }
    if (node.type === 'list_splat_pattern' || node.type === 'dictionary_splat_pattern') {
      const id = node.namedChildren[0];
      if (!id || id.type !== 'identifier') return undefined;
      const n = textOf(code, id);
      names.push(n);
      parts.push(node.type === 'list_splat_pattern' ? `*${n}` : `**${n}`);
      if (node.type === 'list_splat_pattern') kwOnly = true;
      continue;
    }
    let id: PyNode | null = null;
    if (node.type === 'identifier') id = node;
    else if (node.type === 'default_parameter' || node.type === 'typed_default_parameter') id = node.childForFieldName('name');
    if (!id || id.type !== 'identifier') return undefined;
    const n = textOf(code, id);
    names.push(n);
    parts.push(kwOnly ? `${n}=${n}` : n);
  }
  return { text: parts.join(', '), names };
}

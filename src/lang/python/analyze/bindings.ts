import type { BindingKind, BindingSite, BindingUsage } from '../../../types.js';
import { nameTokens, parsePython, stringValue, textOf, type NameTokens, type ParsedPython, type PyNode } from './parser.js';
import { scanPythonFile, type PyImport, type PyScan } from './scan.js';

// Decorators that only wrap or describe a function and never call it while the module executes.
export const SAFE_DECORATORS = new Set([
  'staticmethod',
  'classmethod',
  'property',
  'abstractmethod',
  'abc.abstractmethod',
  'overload',
  'typing.overload',
  'functools.wraps',
  'wraps',
  'functools.lru_cache',
  'lru_cache',
  'functools.cache',
  'cache',
  'functools.cached_property',
  'cached_property',
  'contextmanager',
  'contextlib.contextmanager',
  'asynccontextmanager',
  'contextlib.asynccontextmanager',
  'functools.total_ordering',
  'dataclass',
  'dataclasses.dataclass',
  'final',
  'typing.final',
]);

/** Decorator expression without call arguments: "@app.route('/x')" → "app.route"; setters count as property. */
export function decoratorName(code: string, deco: PyNode): string {
  let e = deco.namedChildren[0];
  if (e?.type === 'call') e = e.childForFieldName('function')!;
  const t = e ? textOf(code, e).replace(/\s+/g, '') : '';
  return /\.(setter|getter|deleter)$/.test(t) ? 'property' : t;
}

/** One top-level def or class: the body range runs only when it is called (or, for a class, used). */
export interface Owner {
  name: string;
  kind: 'function' | 'class';
  /** Body ranges (string indices); a class has one per method. */
  ranges: [number, number][];
  line: number;
  /** String index of the name in its def/class statement. */
  nameIndex: number;
  /** Decorated with something that may call it while the module executes. */
  unsafeDecorator?: string;
}

export interface PythonBindingAnalysis {
  sites: BindingSite[];
  /** Top-level functions/classes whose bodies run while the module executes, with the reason. */
  initRun: Record<string, string>;
  /** Why every import of the file stays eager (globals(), eval …), if so. */
  fileReason?: string;
}

const DYNAMIC_NS = new Set(['globals', 'vars', 'locals', 'eval', 'exec', 'execfile']);

/** Top-level defs/classes, looking through module-level if/try/with blocks (not into defs). */
export function topLevelOwners(code: string, root: PyNode): Owner[] {
  const out: Owner[] = [];
  const visit = (stmt: PyNode) => {
    let def = stmt;
    let unsafe: string | undefined;
    if (stmt.type === 'decorated_definition') {
      def = stmt.childForFieldName('definition')!;
      for (const d of stmt.namedChildren.filter((c) => c.type === 'decorator')) {
        const n = decoratorName(code, d);
        if (!SAFE_DECORATORS.has(n)) unsafe ??= n;
      }
    }
    if (def.type === 'function_definition') {
      const body = def.childForFieldName('body')!;
      out.push({
        name: textOf(code, def.childForFieldName('name')!),
        kind: 'function',
        ranges: [[body.startIndex, body.endIndex]],
        line: def.startPosition.row + 1,
        nameIndex: def.childForFieldName('name')!.startIndex,
        ...(unsafe ? { unsafeDecorator: unsafe } : {}),
      });
      return;
    }
    if (def.type === 'class_definition') {
      const ranges: [number, number][] = [];
      const body = def.childForFieldName('body')!;
      for (const m of body.namedChildren) {
        const fn = m.type === 'decorated_definition' ? m.childForFieldName('definition')! : m;
        if (fn.type !== 'function_definition') continue;
        const b = fn.childForFieldName('body')!;
        ranges.push([b.startIndex, b.endIndex]);
      }
      out.push({
        name: textOf(code, def.childForFieldName('name')!),
        kind: 'class',
        ranges,
        line: def.startPosition.row + 1,
        nameIndex: def.childForFieldName('name')!.startIndex,
        ...(unsafe ? { unsafeDecorator: unsafe } : {}),
      });
      return;
    }
    if (['if_statement', 'try_statement', 'with_statement', 'elif_clause', 'else_clause', 'except_clause', 'finally_clause', 'block'].includes(stmt.type)) {
      for (const c of stmt.namedChildren) visit(c);
    }
  };
  for (const s of root.namedChildren) visit(s);
  return out;
}

/** 1-based line of a string index, by binary search over line starts (no native calls). */
export function lineIndex(code: string): (i: number) => number {
  const starts = [0];
  for (let i = code.indexOf('\n'); i >= 0; i = code.indexOf('\n', i + 1)) starts.push(i + 1);
  return (i) => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= i) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  };
}

/** Sorted, disjoint body ranges → owner, with binary search. */
class RangeMap {
  private ranges: { s: number; e: number; owner: Owner }[] = [];
  constructor(owners: Owner[]) {
    for (const o of owners) for (const [s, e] of o.ranges) this.ranges.push({ s, e, owner: o });
    this.ranges.sort((a, b) => a.s - b.s);
  }
  at(i: number): Owner | undefined {
    let lo = 0;
    let hi = this.ranges.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const r = this.ranges[mid];
      if (i < r.s) hi = mid - 1;
      else if (i >= r.e) lo = mid + 1;
      else return r.owner;
    }
    return undefined;
  }
}

/** Names (identifiers and identifier-like string literals) in init code and in each owner's bodies. */
export function namesByOwner(
  code: string,
  tokens: NameTokens,
  owners: Owner[],
): { init: Map<string, number>; byOwner: Map<Owner, Set<string>>; map: RangeMap } {
  const lineOf = lineIndex(code);
  const map = new RangeMap(owners);
  const init = new Map<string, number>();
  const byOwner = new Map<Owner, Set<string>>();
  const note = (name: string, at: number, line: number) => {
    const o = map.at(at);
    if (!o) {
      if (!init.has(name)) init.set(name, line);
    } else {
      let set = byOwner.get(o);
      if (!set) byOwner.set(o, (set = new Set()));
      set.add(name);
    }
  };
  // A def's or class's own name is a definition, not a use.
  const defNames = new Set(owners.map((o) => o.nameIndex));
  for (let k = 0; k < tokens.idStart.length; k++) {
    const i = tokens.idStart[k];
    if (!defNames.has(i)) note(code.slice(i, tokens.idEnd[k]), i, lineOf(i));
  }
  for (let k = 0; k < tokens.strStart.length; k++) {
    const t = code.slice(tokens.strStart[k], tokens.strEnd[k]);
    if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(t)) note(t, tokens.strStart[k], lineOf(tokens.strStart[k]));
  }
  return { init, byOwner, map };
}

/**
 * Which top-level functions/classes run while the module executes: referenced from init code
 * (directly, by a string, or through another init-run body), or decorated with an unknown decorator
 * (a registry or `atexit.register`-style decorator may call it).
 */
export function initRunOwners(
  owners: Owner[],
  init: Map<string, number>,
  byOwner: Map<Owner, Set<string>>,
  extraInitNames?: Set<string>,
): Record<string, string> {
  const out: Record<string, string> = {};
  const byName = new Map<string, Owner[]>();
  for (const o of owners) byName.set(o.name, [...(byName.get(o.name) ?? []), o]);
  const work: Owner[] = [];
  const mark = (o: Owner, why: string) => {
    if (out[o.name] !== undefined) return;
    out[o.name] = why;
    work.push(o);
  };
  for (const o of owners) {
    // The definition statement itself puts the name in init code only through decorators/bases, so a
    // reference elsewhere at top level is a use.
    if (o.unsafeDecorator) mark(o, `decorated with @${o.unsafeDecorator}, which may call it at import time`);
    else if (init.has(o.name)) mark(o, `used at import time (line ${init.get(o.name)})`);
    else if (extraInitNames?.has(o.name)) mark(o, 'its name is used at import time by another module');
  }
  while (work.length) {
    const o = work.pop()!;
    for (const n of byOwner.get(o) ?? []) for (const t of byName.get(n) ?? []) mark(t, `used by ${o.name}, which runs at import time`);
  }
  return out;
}

type RefContext = 'attr' | 'call' | 'value';

const PATTERN_WRAPPERS = new Set([
  'pattern_list',
  'tuple_pattern',
  'list_pattern',
  'list_splat_pattern',
  'tuple',
  'list',
  'parenthesized_expression',
  'expression_list',
]);
const PARAM_PARENTS = new Set([
  'parameters',
  'lambda_parameters',
  'default_parameter',
  'typed_parameter',
  'typed_default_parameter',
  'list_splat_pattern',
  'dictionary_splat_pattern',
  'keyword_separator',
]);

/** Classifies one identifier occurrence: a reference (with its context) or a binding of the name. */
function classify(node: PyNode): { ref: RefContext } | { binding: string } | { skip: true } {
  const p = node.parent!;
  const is = (field: string) => p.childForFieldName(field)?.id === node.id;
  if (p.type === 'attribute') return is('object') ? { ref: 'attr' } : { skip: true };
  if (p.type === 'keyword_argument' && is('name')) return { skip: true };
  if ((p.type === 'function_definition' || p.type === 'class_definition') && is('name')) return { binding: p.type.replace('_definition', '') };
  if (PARAM_PARENTS.has(p.type) && (p.type !== 'default_parameter' && p.type !== 'typed_default_parameter' ? true : is('name'))) {
    if (p.type === 'list_splat_pattern' && !p.parent?.type.includes('parameters')) {
      // fall through: a starred assignment target
    } else return { binding: 'parameter' };
  }
  if (p.type === 'global_statement' || p.type === 'nonlocal_statement') return { binding: p.type.replace('_statement', '') };
  if (p.type === 'aliased_import') return is('alias') ? { binding: 'import' } : { skip: true };
  if (p.type === 'dotted_name') {
    // Only `import a.b` (no alias) and `from m import a` bind a name: the first component.
    const stmt = p.parent;
    if (p.firstNamedChild?.id !== node.id || !stmt) return { skip: true };
    if (stmt.type === 'import_statement') return { binding: 'import' };
    if (stmt.type === 'import_from_statement' && stmt.childForFieldName('module_name')?.id !== p.id) return { binding: 'import' };
    return { skip: true };
  }
  if (p.type === 'named_expression' && is('name')) return { binding: 'assignment' };
  if (p.type === 'call' && is('function')) return { ref: 'call' };
  // Climb through tuple/list patterns to the statement that binds them.
  let c: PyNode = node;
  let q: PyNode | null = p;
  while (q && PATTERN_WRAPPERS.has(q.type)) {
    c = q;
    q = q.parent;
  }
  if (q) {
    const isField = (f: string) => q!.childForFieldName(f)?.id === c.id;
    if ((q.type === 'assignment' || q.type === 'augmented_assignment' || q.type === 'for_statement' || q.type === 'for_in_clause') && isField('left'))
      return { binding: q.type };
    if (q.type === 'as_pattern_target' || q.type === 'delete_statement') return { binding: q.type };
    if (q.type === 'as_pattern' && isField('alias')) return { binding: 'as' };
  }
  return { ref: 'value' };
}

function siteKind(imp: PyImport): BindingKind {
  return imp.kind === 'from' ? 'esm-named' : 'esm-namespace';
}

/**
 * Init-time analysis of one module's imports. A top-level `import`/`from … import` is 'deferred' when
 * every use of its names is inside a function that does not run at import time and is an attribute
 * access or a call (what a lazy proxy forwards exactly); 'init' when something at import time uses it;
 * 'unused' when nothing refers to it (kept: the import may be for its side effects); 'unknown' when the
 * name is rebound, used as a plain value, declared global, or the module reads its namespace dynamically.
 * Shadowing by locals is deliberately ignored: a local with the same name counts as a use (conservative).
 */
export function analyzePythonBindings(
  file: string,
  code: string,
  parsed: ParsedPython = parsePython(code),
  scan: PyScan = scanPythonFile(file, code, parsed),
  opts: { extraInitNames?: Set<string> } = {},
): PythonBindingAnalysis {
  if (parsed.error) return { sites: [], initRun: {}, fileReason: `not parsed: ${parsed.error.message}` };
  const root = parsed.root;
  const tops = scan.imports.filter((i) => i.topLevel && (i.kind === 'import' || i.kind === 'from') && !i.module.startsWith('__future__'));
  // Statements with several aliases produce several records; group them per statement.
  const stmts = new Map<number, PyImport[]>();
  for (const i of tops) stmts.set(i.start, [...(stmts.get(i.start) ?? []), i]);
  const owners = topLevelOwners(code, root);
  const tokens = nameTokens(parsed);
  const { init, byOwner, map } = namesByOwner(code, tokens, owners);
  const initRun = initRunOwners(owners, init, byOwner, opts.extraInitNames);
  const lineOf = lineIndex(code);

  let fileReason: string | undefined;
  const dynamicNs = /\b(globals|vars|locals|eval|exec|execfile)\s*\(/.test(code);
  for (let k = 0; dynamicNs && k < tokens.ids.length; k++) {
    const t = code.slice(tokens.idStart[k], tokens.idEnd[k]);
    if (!DYNAMIC_NS.has(t)) continue;
    const id = tokens.ids[k];
    if (!DYNAMIC_NS.has(t) || id.parent?.type !== 'call' || id.parent.childForFieldName('function')?.id !== id.id) continue;
    const args = id.parent.childForFieldName('arguments')?.namedChildren ?? [];
    if ((t === 'vars' || t === 'locals') && args.length) continue; // vars(obj) reads another object
    fileReason = `${t}() at line ${id.startPosition.row + 1} reads the module namespace dynamically`;
    break;
  }

  const candidates = new Map<string, { settled?: boolean; uses: { line: number; ctx: RefContext | 'bind'; where: string; bindKind?: string }[] }>();
  for (const i of tops) for (const n of i.bound) candidates.set(n, { uses: [] });
  const stmtRanges = [...stmts.values()].map((g) => [g[0].start, g[0].end] as const);
  for (let k = 0; candidates.size && k < tokens.ids.length; k++) {
    const name = code.slice(tokens.idStart[k], tokens.idEnd[k]);
    const cand = candidates.get(name);
    if (!cand) continue;
    // Once a name is 'unknown' (rebound or used as a value in a deferred function) nothing can change that.
    if (cand.settled) continue;
    const id = tokens.ids[k];
    if (stmtRanges.some(([s, e]) => id.startIndex >= s && id.startIndex < e) && id.parent?.type !== 'attribute' && id.parent?.type !== 'call') {
      // The import statements themselves (the binding, or another top-level import of the same name).
      const own = tops.filter((t) => id.startIndex >= t.start && id.startIndex < t.end);
      if (own.some((t) => t.bound.includes(name))) continue;
    }
    const line = lineOf(id.startIndex);
    const owner = map.at(id.startIndex);
    const where = !owner ? 'at module level' : initRun[owner.name] !== undefined ? `in ${owner.name} (${initRun[owner.name]})` : `in ${owner.name}`;
    const c = classify(id);
    if ('skip' in c) continue;
    if ('binding' in c) {
      // Parameters, comprehension variables and locals only shadow (their uses still count, conservatively);
      // a module-level binding or a `global` declaration rebinds the module's name.
      if (c.binding === 'parameter' || c.binding === 'for_in_clause' || (owner && c.binding !== 'global')) continue;
      cand.uses.push({ line, ctx: 'bind', where, bindKind: c.binding });
      cand.settled = true;
      continue;
    }
    cand.uses.push({ line, ctx: c.ref, where: owner && initRun[owner.name] === undefined ? where : where });
    if (!owner || initRun[owner.name] !== undefined) cand.uses[cand.uses.length - 1].where = `init:${where}`;
    else if (c.ref === 'value') cand.settled = true;
  }
  // Duplicate top-level imports of the same name rebind it.
  const boundCount = new Map<string, number>();
  for (const i of tops) for (const n of i.bound) boundCount.set(n, (boundCount.get(n) ?? 0) + 1);

  const sites: BindingSite[] = [];
  let index = 0;
  for (const group of stmts.values()) {
    const first = group[0];
    const names = group.flatMap((g) => g.bound);
    let usage = 'unused' as BindingUsage;
    let reason = 'never referenced (kept eager: it may be imported for its side effects)';
    let refCount = 0;
    const rank: Record<BindingUsage, number> = { unused: 0, deferred: 1, init: 2, unknown: 3 };
    const worse = (u: BindingUsage, r: string) => {
      if (rank[u] > rank[usage]) {
        usage = u;
        reason = r;
      }
    };
    for (const n of names) {
      if ((boundCount.get(n) ?? 0) > 1) worse('unknown', `${n} is bound by more than one top-level import`);
      for (const u of candidates.get(n)!.uses) {
        if (u.ctx === 'bind') {
          worse('unknown', `${n} is rebound (${u.bindKind}) ${u.where.replace(/^init:/, '')}, line ${u.line}`);
          continue;
        }
        refCount++;
        if (u.where.startsWith('init:')) worse('init', `${n} is used ${u.where.slice(5)}, line ${u.line}`);
        else if (u.ctx === 'value') worse('unknown', `${n} is used as a plain value ${u.where}, line ${u.line}: a lazy stand-in cannot replace it exactly`);
        else worse('deferred', `${n} is used only inside functions that do not run at import time (first: line ${u.line})`);
      }
    }
    if (fileReason && usage !== 'init') worse('unknown', fileReason);
    if (scan.all !== null && (scan.all === 'unknown' || names.some((n) => (scan.all as string[]).includes(n)))) {
      worse('unknown', scan.all === 'unknown' ? '__all__ is computed: names may be re-exported' : 'named in __all__ (re-exported)');
    }
    sites.push({
      id: `${file}#${index++}`,
      file,
      specifier: first.module,
      kind: siteKind(first),
      names,
      start: first.start,
      end: first.end,
      line: first.line,
      usage,
      usageReason: reason,
      refCount,
    });
  }
  return { sites, initRun, ...(fileReason ? { fileReason } : {}) };
}

export { stringValue };

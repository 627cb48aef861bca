/**
 * The lazy rewrite: turns module-scope imports whose names are used only after init into memoised
 * loaders called at each use. Minimal edits with magic-string (everything else stays byte for byte).
 *
 * Two entry points share one preparation: `planRewrite` runs at plan time (src/lang/js/decide-values.ts)
 * and says which lazy imports can be rewritten and which module-scope values become lazy, with reasons;
 * `rewriteLazy` applies those decisions. It re-parses and re-checks each one as a guard: a decision
 * applies only when the site (or value) is still found and still qualifies by this very analysis — a
 * stale or wrong decision is skipped with a reason instead of producing broken code.
 */
import { magicString, type MagicString } from '../../../util/magic-string.js';
import type * as t from '@babel/types';
import type { NodePath } from '@babel/traverse';
import type { ImportDecision, LazyMechanism, Reason, ValueDecision } from '../../../types.js';
import { analyzeFile, inAsyncBody, type AnalyzeOptions, type SiteInfo, type FileBindings } from '../analyze/bindings.js';
import {
  comment,
  lazyValuePrefix,
  lazyValueSuffix,
  lazyPatternPrefix,
  lazyPatternSuffix,
  narrowLoader,
  narrowObject,
  valueLoader,
  destructureLoader,
  cjsNamedLoader,
  importThunk,
  createRequireHeader,
  padLines,
  makeNamer,
  prop,
  type Access,
} from './emit.js';
import { refEdit, type Edit } from './refs.js';
import { requestFrom } from '../../../util/paths.js';

export interface RewriteResult {
  code: string;
  /** Site ids rewritten. */
  applied: string[];
  /** Lazy decisions left as they were, with the reason. */
  skipped: { id: string; reason: string }[];
  /** Lazy values built at first use. */
  values: { name: string; line: number }[];
  /** Values decided lazy that this parse no longer allows, with the reason (they stay as written). */
  skippedValues: { name: string; line: number; reason: string }[];
}

/** What the rewrite of one file will do, decided before anything is written. */
export interface RewritePlan {
  /** Lazy decisions the rewrite cannot apply, with the reason. */
  skipped: { id: string; reason: string }[];
  /** Every module-scope value that reads an import made lazy here (or an earlier lazy value). */
  values: ValueDecision[];
  /** The code the rewrite will produce from these decisions (only with `preview`). */
  code?: string;
}

/** What one site becomes: the loader text and the edits at its references. */
interface SitePlan {
  info: SiteInfo;
  loader: string;
  refEdits: Edit[];
  /** ESM loaders calling createRequire need the shared header. */
  needsRequire: boolean;
  mechanism: LazyMechanism;
}

interface Ctx {
  code: string;
  fb: FileBindings;
  name: (base: string) => string;
  /** Shared per-file helper names, created on first need. */
  requireName: () => string;
  /** dynamic-import thunk name per specifier. */
  importThunks: Map<string, string>;
}

const src = (code: string, n: t.Node) => code.slice(n.start!, n.end!);

/** Why the site cannot be made lazy with this mechanism (undefined when it can). */
function blocker(info: SiteInfo, mechanism: LazyMechanism, isESM: boolean): string | undefined {
  const { site } = info;
  if (site.kind === 'side-effect') return 'side-effect-only import: nothing to defer';
  if (site.usage !== 'deferred' && site.usage !== 'unused') return `usage is '${site.usage}': ${site.usageReason}`;
  if (!isESM) return mechanism === 'require' ? undefined : `mechanism '${mechanism}' does not apply to a CommonJS file`;
  if (mechanism === 'require') return `mechanism 'require' does not apply to an ES module file`;
  const stmt = info.statement as t.ImportDeclaration;
  if (stmt.attributes?.length || (stmt as { assertions?: unknown[] }).assertions?.length)
    return 'import attributes (with { type: … }) are not carried over to a lazy load';
  const hasNs = Object.values(info.imported ?? {}).includes('*');
  if (mechanism === 'create-require' && hasNs)
    return "namespace import of a CommonJS module: Node's namespace object (exports found by cjs-module-lexer) cannot be rebuilt exactly";
  if (mechanism === 'require-esm' && hasNs) {
    // Node 20's require(esm) returns a namespace-like object that is not the import() namespace (and has an
    // extra __esModule key when there is a default export): only property reads are sure to behave the same.
    const local = Object.keys(info.imported!).find((k) => info.imported![k] === '*')!;
    const bad = info.refs[local].find((r) => !isPlainPropertyRead(r));
    if (bad) return `namespace used as a value at line ${bad.node.loc?.start.line}: require(esm) returns a different object than import`;
  }
  if (mechanism === 'dynamic-import') {
    const bad = Object.values(info.refs)
      .flat()
      .find((r) => !inAsyncBody(r));
    if (bad) return `reference at line ${bad.node.loc?.start.line} is not directly inside an async function: await import() impossible there`;
  }
}

/** The `require('m')` call inside a require expression (the init of a cjs site). */
function requireCall(n: t.Node): t.Node {
  if (n.type === 'MemberExpression') return requireCall(n.object);
  if (n.type === 'CallExpression' && !(n.callee.type === 'Identifier' && n.callee.name === 'require')) return requireCall(n.arguments[0]);
  return n;
}

/** `ns.x` / `ns['x']` (read or call), other than the `__esModule` marker. */
function isPlainPropertyRead(ref: NodePath<t.Identifier>): boolean {
  const p = ref.parent;
  if ((p.type !== 'MemberExpression' && p.type !== 'OptionalMemberExpression') || p.object !== ref.node) return false;
  const key = !p.computed && p.property.type === 'Identifier' ? p.property.name : p.property.type === 'StringLiteral' ? p.property.value : undefined;
  return key !== undefined && key !== '__esModule';
}

/** Access text per local name plus the loader, for one site. */
function planSite(
  ctx: Ctx,
  info: SiteInfo,
  mechanism: LazyMechanism,
  narrow?: ImportDecision['narrow'],
): { loader: string; access: Record<string, Access>; needsRequire: boolean } {
  const { code } = ctx;
  const { site } = info;
  const before =
    info.declarator && info.statement.type === 'VariableDeclaration' && info.statement.declarations.length > 1
      ? `${info.statement.kind} ${src(code, info.declarator)}`
      : src(code, info.statement);
  const first = site.names[0] ?? 'm';
  const access: Record<string, Access> = {};

  if (info.init) {
    const init = src(code, info.init);
    const getter = ctx.name(`__fl_${first}`);
    const cache = ctx.name(`${getter}_cache`);
    const note = comment(src(code, requireCall(info.init)), before);
    const narrowed =
      narrow?.length && (site.kind === 'cjs-require' || site.kind === 'cjs-destructure') && site.props?.every((p) => narrow.some((n) => n.prop === p))
        ? narrow.map((n) => ({ prop: n.prop, request: JSON.stringify(requestFrom(site.file, n.file)), name: n.name }))
        : undefined;
    const narrowNote = narrowed && comment(`${src(code, requireCall(info.init))}, narrowed to ${new Set(narrow!.map((n) => n.file)).size} module(s)`, before);
    if (site.kind === 'cjs-destructure') {
      for (const n of site.names) access[n] = { text: `${getter}()${prop(n)}`, member: true };
      // Narrowed: the pattern reads the getters of the defining modules instead of the barrel.
      const value = narrowed ? `(${narrowObject(narrowed)})` : init;
      return {
        loader: `${narrowNote ?? note} ${destructureLoader(getter, cache, src(code, info.declarator!.id), value, site.names)}`,
        access,
        needsRequire: false,
      };
    }
    access[first] = { text: `${getter}()`, member: false };
    if (narrowed) return { loader: `${narrowNote} ${narrowLoader(getter, cache, narrowed)}`, access, needsRequire: false };
    return { loader: `${note} ${valueLoader(getter, cache, init)}`, access, needsRequire: false };
  }

  const stmt = info.statement as t.ImportDeclaration;
  const spec = src(code, stmt.source);
  const imported = info.imported!;
  if (mechanism === 'dynamic-import') {
    // One thunk per specifier and file: import() returns the same namespace each time (module cache).
    let thunk = ctx.importThunks.get(site.specifier);
    const fresh = !thunk;
    if (!thunk) ctx.importThunks.set(site.specifier, (thunk = ctx.name(`__flImport_${site.specifier.replace(/^.*[/:]/, '')}`)));
    for (const [local, imp] of Object.entries(imported))
      access[local] = imp === '*' ? { text: `(await ${thunk}())`, member: false } : { text: `(await ${thunk}())${prop(imp)}`, member: true };
    return { loader: comment(`import(${spec})`, before) + (fresh ? ` ${importThunk(thunk, spec)}` : ''), access, needsRequire: false };
  }

  const getter = ctx.name(`__fl_${first}`);
  const cache = ctx.name(`${getter}_cache`);
  const req = `${ctx.requireName()}(${spec})`;
  const note = comment(`${ctx.requireName()}(${spec})`, before);
  const imps = Object.values(imported);
  if (mechanism === 'create-require' && imps.some((i) => i !== 'default')) {
    // CommonJS target with named imports: read once at first use from module.exports.
    for (const [local, imp] of Object.entries(imported)) access[local] = { text: `${getter}()${prop(imp)}`, member: true };
    return { loader: `${note} ${cjsNamedLoader(getter, cache, req, imps)}`, access, needsRequire: true };
  }
  for (const [local, imp] of Object.entries(imported)) {
    if (mechanism === 'create-require' || imp === '*') access[local] = { text: `${getter}()`, member: false };
    else access[local] = { text: `${getter}()${prop(imp)}`, member: true }; // require(esm): live read of the namespace
  }
  return { loader: `${note} ${valueLoader(getter, cache, req)}`, access, needsRequire: true };
}

const overlaps = (a: { start: number; end: number }, b: { start: number; end: number }) => a.start < b.end && b.start < a.end;

/**
 * Plans the 'lazy' decisions of one file, at plan time: which of them the rewrite can apply and which
 * module-scope values become lazy, each with its reason; with `preview`, also the code the rewrite
 * will produce. Throws only when the file does not parse.
 */
export function planRewrite(file: string, code: string, decisions: ImportDecision[], opts: AnalyzeOptions & { preview?: boolean } = {}): RewritePlan {
  const p = prepare(file, code, decisions, opts);
  if (!p) return { skipped: [], values: [] };
  const chosen = chooseValues(file, code, p);
  const values = chosen.flatMap((c) => (c.decision ? [c.decision] : []));
  return { skipped: p.skipped, values, ...(opts.preview ? { code: emit(code, p, chosen) } : {}) };
}

/**
 * Applies the plan's decisions to one file: its 'lazy' imports (matched to sites by `site.start`/`site.end`)
 * and its lazy values (matched by name and line; without `values`, none). Throws only when the file does
 * not parse (the caller keeps the file as is, FL202).
 */
export function rewriteLazy(
  file: string,
  code: string,
  decisions: ImportDecision[],
  opts: AnalyzeOptions & { values?: readonly ValueDecision[] } = {},
): RewriteResult {
  const p = prepare(file, code, decisions, opts);
  const wanted = opts.values?.filter((v) => v.file === file) ?? [];
  const lost = (why: string) => wanted.filter((v) => v.decision === 'lazy').map((v) => ({ name: v.name, line: v.line, reason: why }));
  if (!p) return { code, applied: [], skipped: [], values: [], skippedValues: lost('no import of the file is lazy any more') };
  if (!p.plans.length)
    return { code, applied: [], skipped: p.skipped, values: [], skippedValues: lost('none of the lazy imports it reads could be rewritten') };
  const chosen = chooseValues(file, code, p, wanted);
  return {
    code: emit(code, p, chosen),
    applied: p.plans.map((x) => x.info.site.id),
    skipped: p.skipped,
    values: chosen.filter((c) => c.wrap).map((c) => ({ name: c.name, line: c.line })),
    skippedValues: chosen.flatMap((c) => (c.skipped ? [{ name: c.name, line: c.line, reason: c.skipped }] : [])),
  };
}

interface Prepared {
  fb: FileBindings;
  ctx: Ctx;
  plans: SitePlan[];
  skipped: RewriteResult['skipped'];
  /** Ranges already edited: no two rewrites may overlap. */
  taken: { start: number; end: number }[];
  createRequireName: () => string | undefined;
}

/** The reference edits for one binding, or the first reason one cannot be made. */
function editsFor(refs: NodePath<t.Identifier>[], access: (ref: NodePath<t.Identifier>) => Access): Edit[] | { error: string } {
  const out: Edit[] = [];
  for (const r of refs) {
    const e = refEdit(r, access(r));
    if ('error' in e) return e;
    out.push(e);
  }
  return out;
}
// Whether a reference can be rewritten, and the range it changes, do not depend on the text put there:
// checking with a placeholder first means a site or value that is left out takes no generated name, so the
// names (and the output) depend only on what is applied.
const PLACEHOLDER: Access = { text: '_', member: false };

function prepare(file: string, code: string, decisions: ImportDecision[], opts: AnalyzeOptions): Prepared | undefined {
  const lazy = decisions.filter((d) => d.decision === 'lazy');
  if (!lazy.length) return undefined;
  const fb = analyzeFile(file, code, opts);
  const isESM = fb.parsed.isESM;
  const name = makeNamer(fb.names);
  let requireName: string | undefined, createRequireName: string | undefined;
  const ctx: Ctx = {
    code,
    fb,
    name,
    importThunks: new Map(),
    requireName: () => {
      if (!requireName) {
        createRequireName = name('__flCreateRequire');
        requireName = name('__flRequire');
      }
      return requireName;
    },
  };

  const skipped: RewriteResult['skipped'] = [];
  const plans: SitePlan[] = [];
  const taken: { start: number; end: number }[] = [];
  for (const d of lazy) {
    const info = fb.sites.find((s) => s.site.start === d.site.start && s.site.end === d.site.end);
    if (!info || info.site.specifier !== d.site.specifier) {
      skipped.push({ id: d.site.id, reason: `no import of '${d.site.specifier}' at ${d.site.start}-${d.site.end} in the current code` });
      continue;
    }
    const mechanism = d.mechanism ?? (isESM ? 'create-require' : 'require');
    const why = blocker(info, mechanism, isESM);
    if (why) {
      skipped.push({ id: d.site.id, reason: why });
      continue;
    }
    const dry = Object.values(info.refs).map((refs) => editsFor(refs, () => PLACEHOLDER));
    const bad = dry.find((x): x is { error: string } => 'error' in x);
    const ranges = [{ start: info.site.start, end: info.site.end }, ...dry.flatMap((x) => ('error' in x ? [] : x))];
    const error = bad?.error ?? (ranges.some((r) => taken.some((x) => overlaps(r, x))) ? 'its edits overlap another rewrite' : undefined);
    if (error) {
      skipped.push({ id: d.site.id, reason: error });
      continue;
    }
    const { loader, access, needsRequire } = planSite(ctx, info, mechanism, d.narrow);
    const refEdits = Object.entries(info.refs).flatMap(([local, refs]) => editsFor(refs, () => access[local]) as Edit[]);
    taken.push(...ranges);
    plans.push({ info, loader, refEdits, needsRequire, mechanism });
  }
  return { fb, ctx, plans, skipped, taken, createRequireName: () => createRequireName };
}

/** One candidate value: its decision (when it reads a lazy import) and, when built at first use, its edits. */
interface ValueChoice {
  name: string;
  line: number;
  decision?: ValueDecision;
  /** The plan wanted it lazy but this parse does not allow it: why. */
  skipped?: string;
  refs?: Edit[];
  wrap?: { start: number; initStart: number; initEnd: number; prefix: string; suffix: string };
}

const valueReason = (code: string, text: string, file: string): Reason => ({ code, text, parent: file });

/**
 * Which lazy values to build at first use: those the analysis found used only after init that read an
 * import made lazy here (or an earlier such value). One left as it is stays correct: it calls the lazy
 * import's getter while the module evaluates, which only loses the gain. Without `wanted` (plan time)
 * each candidate is decided here; with it (the rewrite) only the values it lists as lazy are built, and
 * each is checked again.
 */
function chooseValues(file: string, code: string, p: Prepared, wanted?: readonly ValueDecision[]): ValueChoice[] {
  const { fb, plans, taken } = p;
  const { name } = p.ctx;
  const lazyNames = new Set<string>();
  // `await` getters (dynamic import) cannot run inside the synchronous value getter.
  for (const x of plans) if (x.mechanism !== 'dynamic-import') for (const n of x.info.site.names) lazyNames.add(n);
  const out: ValueChoice[] = [];
  for (const v of fb.values) {
    const reads = v.deps.filter((d) => lazyNames.has(d));
    if (!reads.length) continue;
    const want = wanted?.find((w) => w.name === v.name && w.line === v.line);
    if (wanted && want?.decision !== 'lazy') continue;
    const choice: ValueChoice = { name: v.name, line: v.line };
    out.push(choice);
    const decide = (decision: ValueDecision['decision'], reason: Reason) => {
      if (wanted && decision === 'eager') choice.skipped = reason.text;
      else choice.decision = { file, name: v.name, line: v.line, deps: v.deps, decision, reason };
    };
    if (v.usage !== 'deferred') {
      decide('eager', valueReason(`usage-${v.usage}`, `usage is '${v.usage}': ${v.usageReason}`, file));
      continue;
    }
    const dry = editsFor(v.refs, () => PLACEHOLDER);
    const head = { start: v.statement.start!, end: v.init.start! };
    const error = 'error' in dry ? dry.error : [head, ...dry].some((r) => taken.some((x) => overlaps(r, x))) ? 'its edits overlap another rewrite' : undefined;
    if (error) {
      decide('eager', valueReason('error' in dry ? 'unsupported-use' : 'overlap', error, file));
      continue;
    }
    const getter = name(`__fl_${v.names[0]}`);
    const cache = name(`${getter}_cache`);
    choice.refs = editsFor(v.refs, (r) =>
      v.pattern ? { text: `${getter}()${prop(r.node.name)}`, member: true } : { text: `${getter}()`, member: false },
    ) as Edit[];
    taken.push(head, ...choice.refs);
    const original = src(code, v.statement);
    const prefix = v.pattern ? lazyPatternPrefix(getter, cache, v.name, original, src(code, v.pattern)) : lazyValuePrefix(getter, cache, v.name, original);
    const suffix = v.pattern ? lazyPatternSuffix(cache, v.names) : lazyValueSuffix(cache);
    choice.wrap = { start: head.start, initStart: head.end, initEnd: v.init.end!, prefix: prefix + padLines(code.slice(head.start, head.end), prefix), suffix };
    for (const n of v.names) lazyNames.add(n);
    decide('lazy', valueReason('deferred-value', `${v.usageReason}; reads ${reads.join(', ')}, made lazy: built at first use`, file));
  }
  for (const w of wanted ?? []) {
    if (w.decision === 'lazy' && !out.some((c) => c.name === w.name && c.line === w.line))
      out.push({ name: w.name, line: w.line, skipped: `no value ${w.name} reading a lazy import at line ${w.line} in the current code` });
  }
  return out;
}

/** The rewritten file: the sites' loaders and reference edits, then the lazy values around their initialisers. */
function emit(code: string, p: Prepared, chosen: ValueChoice[]): string {
  const { plans, fb } = p;
  if (!plans.length) return code;
  const s = magicString(code);
  for (const x of plans) for (const e of x.refEdits) s.overwrite(e.start, e.end, e.text);
  for (const c of chosen) for (const e of c.refs ?? []) s.overwrite(e.start, e.end, e.text);
  replaceStatements(s, code, plans);
  // Last: appendLeft at the end of an initialiser must follow any overwrite that ends there.
  for (const c of chosen) {
    if (!c.wrap) continue;
    s.overwrite(c.wrap.start, c.wrap.initStart, c.wrap.prefix);
    s.appendLeft(c.wrap.initEnd, c.wrap.suffix);
  }
  if (plans.some((x) => x.needsRequire)) s.prependLeft(fb.program.node.body[0].start!, createRequireHeader(p.createRequireName()!, p.ctx.requireName()));
  return s.toString();
}

/**
 * Replaces each rewritten statement by its loaders. In a multi-declarator statement where only some
 * declarators are lazy, those declarators (with their commas) are removed and the loaders go before it.
 */
function replaceStatements(s: MagicString, code: string, plans: SitePlan[]): void {
  const byStatement = new Map<t.Statement, SitePlan[]>();
  for (const p of plans) byStatement.set(p.info.statement, [...(byStatement.get(p.info.statement) ?? []), p]);
  for (const [stmt, ps] of byStatement) {
    const loaders = ps.map((p) => p.loader).join(' ');
    const decls = stmt.type === 'VariableDeclaration' ? stmt.declarations : [];
    const removed = new Set(ps.map((p) => p.info.declaratorIndex));
    if (stmt.type !== 'VariableDeclaration' || removed.size === decls.length) {
      const original = src(code, stmt);
      s.overwrite(stmt.start!, stmt.end!, loaders + padLines(original, loaders));
      continue;
    }
    // Remove maximal runs of lazy declarators: up to the next kept one, or from the previous kept one at the end.
    for (let i = 0; i < decls.length; i++) {
      if (!removed.has(i)) continue;
      let j = i;
      while (removed.has(j + 1)) j++;
      const [from, to] = j < decls.length - 1 ? [decls[i].start!, decls[j + 1].start!] : [decls[i - 1].end!, decls[j].end!];
      const pad = padLines(code.slice(from, to), '');
      if (pad) s.overwrite(from, to, pad);
      else s.remove(from, to);
      i = j;
    }
    s.prependLeft(stmt.start!, loaders + ' ');
  }
}

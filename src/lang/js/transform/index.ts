/**
 * The lazy rewrite: turns module-scope imports whose names are used only after init into memoised
 * loaders called at each use. Minimal edits with magic-string (everything else stays byte for byte).
 *
 * The file is re-parsed and re-analysed here: a decision applies only when the site is still found at
 * the same range and is still 'deferred' or 'unused' by this very analysis — a stale or wrong decision
 * is skipped with a reason instead of producing broken code.
 */
import MagicString from 'magic-string';
import type * as t from '@babel/types';
import type { NodePath } from '@babel/traverse';
import type { ImportDecision, LazyMechanism } from '../../../types.js';
import { analyzeFile, inAsyncBody, type AnalyzeOptions, type SiteInfo, type FileBindings } from '../analyze/bindings.js';
import {
  comment, lazyValuePrefix, lazyValueSuffix, lazyPatternPrefix, lazyPatternSuffix, narrowLoader, narrowObject, valueLoader, destructureLoader, cjsNamedLoader, importThunk, createRequireHeader, padLines, makeNamer, prop,
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
  /** Module-scope values now built at first use (they needed a lazy import). */
  values: LazyValue[];
}

export interface LazyValue {
  file: string;
  name: string;
  line: number;
  /** The lazy imports and earlier lazy values it reads. */
  deps: string[];
  applied: boolean;
  /** Why it stays as it was (when not applied). */
  reason?: string;
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
    const bad = Object.values(info.refs).flat().find((r) => !inAsyncBody(r));
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
function planSite(ctx: Ctx, info: SiteInfo, mechanism: LazyMechanism, narrow?: ImportDecision['narrow']): { loader: string; access: Record<string, Access>; needsRequire: boolean } {
  const { code } = ctx;
  const { site } = info;
  const before = info.declarator && info.statement.type === 'VariableDeclaration' && info.statement.declarations.length > 1
    ? `${info.statement.kind} ${src(code, info.declarator)}`
    : src(code, info.statement);
  const first = site.names[0] ?? 'm';
  const access: Record<string, Access> = {};

  if (info.init) {
    const init = src(code, info.init);
    const getter = ctx.name(`__fl_${first}`);
    const cache = ctx.name(`${getter}_cache`);
    const note = comment(src(code, requireCall(info.init)), before);
    const narrowed = narrow?.length && (site.kind === 'cjs-require' || site.kind === 'cjs-destructure') && site.props?.every((p) => narrow.some((n) => n.prop === p))
      ? narrow.map((n) => ({ prop: n.prop, request: JSON.stringify(requestFrom(site.file, n.file)), name: n.name }))
      : undefined;
    const narrowNote = narrowed && comment(`${src(code, requireCall(info.init))}, narrowed to ${new Set(narrow!.map((n) => n.file)).size} module(s)`, before);
    if (site.kind === 'cjs-destructure') {
      for (const n of site.names) access[n] = { text: `${getter}()${prop(n)}`, member: true };
      // Narrowed: the pattern reads the getters of the defining modules instead of the barrel.
      const value = narrowed ? `(${narrowObject(narrowed)})` : init;
      return { loader: `${narrowNote ?? note} ${destructureLoader(getter, cache, src(code, info.declarator!.id), value, site.names)}`, access, needsRequire: false };
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
 * Applies the 'lazy' decisions of one file. Decisions are matched to sites by `site.start`/`site.end`.
 * Throws only when the file does not parse (the caller keeps the file as is, FL202).
 */
export function rewriteLazy(file: string, code: string, decisions: ImportDecision[], opts: AnalyzeOptions = {}): RewriteResult {
  const lazy = decisions.filter((d) => d.decision === 'lazy');
  if (!lazy.length) return { code, applied: [], skipped: [], values: [] };
  const fb = analyzeFile(file, code, opts);
  const isESM = fb.parsed.isESM;
  const name = makeNamer(fb.names);
  let requireName: string | undefined, createRequireName: string | undefined;
  const ctx: Ctx = {
    code, fb, name, importThunks: new Map(),
    requireName: () => {
      if (!requireName) { createRequireName = name('__flCreateRequire'); requireName = name('__flRequire'); }
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
    if (why) { skipped.push({ id: d.site.id, reason: why }); continue; }
    const { loader, access, needsRequire } = planSite(ctx, info, mechanism, d.narrow);
    const refEdits: Edit[] = [];
    let error: string | undefined;
    for (const [local, refs] of Object.entries(info.refs)) {
      for (const r of refs) {
        const e = refEdit(r, access[local]);
        if ('error' in e) { error = e.error; break; }
        refEdits.push(e);
      }
      if (error) break;
    }
    const ranges = [{ start: info.site.start, end: info.site.end }, ...refEdits];
    if (!error && ranges.some((r) => taken.some((t) => overlaps(r, t)))) error = 'its edits overlap another rewrite';
    if (error) { skipped.push({ id: d.site.id, reason: error }); continue; }
    taken.push(...ranges);
    plans.push({ info, loader, refEdits, needsRequire, mechanism });
  }
  if (!plans.length) return { code, applied: [], skipped, values: [] };

  const { values, valueEdits } = planValues(file, code, fb, plans, taken, name);
  const s = new MagicString(code);
  for (const p of plans) for (const e of p.refEdits) s.overwrite(e.start, e.end, e.text);
  for (const e of valueEdits.refs) s.overwrite(e.start, e.end, e.text);
  replaceStatements(s, code, plans);
  // Last: appendLeft at the end of an initialiser must follow any overwrite that ends there.
  for (const v of valueEdits.wraps) {
    s.overwrite(v.start, v.initStart, v.prefix);
    s.appendLeft(v.initEnd, v.suffix);
  }
  if (plans.some((p) => p.needsRequire)) s.prependLeft(fb.program.node.body[0].start!, createRequireHeader(createRequireName!, requireName!));
  return { code: s.toString(), applied: plans.map((p) => p.info.site.id), skipped, values };
}

/**
 * Which lazy values to build at first use: those the analysis found used only after init that read an
 * import made lazy here (or an earlier such value). One left as it is stays correct: it calls the lazy
 * import's getter while the module evaluates, which only loses the gain.
 */
function planValues(file: string, code: string, fb: FileBindings, plans: SitePlan[], taken: { start: number; end: number }[], name: (b: string) => string) {
  const lazyNames = new Set<string>();
  // `await` getters (dynamic import) cannot run inside the synchronous value getter.
  for (const p of plans) if (p.mechanism !== 'dynamic-import') for (const n of p.info.site.names) lazyNames.add(n);
  const values: LazyValue[] = [];
  const refs: Edit[] = [];
  const wraps: { start: number; initStart: number; initEnd: number; prefix: string; suffix: string }[] = [];
  for (const v of fb.values) {
    const base = { file, name: v.name, line: v.line, deps: v.deps };
    if (!v.deps.some((d) => lazyNames.has(d))) continue;
    if (v.usage !== 'deferred') { values.push({ ...base, applied: false, reason: `usage is '${v.usage}': ${v.usageReason}` }); continue; }
    const getter = name(`__fl_${v.names[0]}`);
    const cache = name(`${getter}_cache`);
    const edits: Edit[] = [];
    let error: string | undefined;
    for (const r of v.refs) {
      const e = refEdit(r, v.pattern ? { text: `${getter}()${prop(r.node.name)}`, member: true } : { text: `${getter}()`, member: false });
      if ('error' in e) { error = e.error; break; }
      edits.push(e);
    }
    const head = { start: v.statement.start!, end: v.init.start! };
    if (!error && [head, ...edits].some((r) => taken.some((t) => overlaps(r, t)))) error = 'its edits overlap another rewrite';
    if (error) { values.push({ ...base, applied: false, reason: error }); continue; }
    taken.push(head, ...edits);
    refs.push(...edits);
    const original = src(code, v.statement);
    const prefix = v.pattern
      ? lazyPatternPrefix(getter, cache, v.name, original, src(code, v.pattern))
      : lazyValuePrefix(getter, cache, v.name, original);
    const suffix = v.pattern ? lazyPatternSuffix(cache, v.names) : lazyValueSuffix(cache);
    wraps.push({ start: head.start, initStart: head.end, initEnd: v.init.end!, prefix: prefix + padLines(code.slice(head.start, head.end), prefix), suffix });
    for (const n of v.names) lazyNames.add(n);
    values.push({ ...base, applied: true });
  }
  return { values, valueEdits: { refs, wraps } };
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

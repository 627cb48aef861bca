import path from 'node:path';
import type { Binding } from '@babel/traverse';
import { parseByExtension, traverse } from './parse.js';
import { VISITOR_KEYS } from '@babel/types';
import type * as t from '@babel/types';
import type { AssetRecord, FileAnalysis, ImportRecord } from '../../../types.js';
import { parserFor, type JsParser } from '../../../io/index.js';
import { DIR, evaluate, isImportMeta, propName, toAsset, toSpec, WILD, type BindingInfo, type Env, type Spec } from './patterns.js';

/** An import record plus facts only the graph needs. */
export interface JsImportRecord extends ImportRecord {
  /** Inside a `try` block (or an `import()` with `.catch`): a missing module is expected, not an error. */
  optional?: boolean;
}

export interface JsFileAnalysis extends FileAnalysis {
  imports: JsImportRecord[];
}

/** Words without which a file has no edges and no assets: such files are not parsed at all. */
const INTERESTING = /require|import|export|__dirname|__filename|inquire|eval|Function/;
/** Names whose shadowing changes what a call means: a file declaring them in a nested scope gets exact scopes. */
const SPECIAL = ['require', '__dirname', '__filename'];

/**
 * Pure per-file analysis: the dependency edges and fs assets of one JavaScript file.
 * `isESM` is what the file itself says (syntax, or the .mjs/.cjs extension); for `.js` the graph
 * overrides it from the nearest package.json `type`.
 *
 * One iterative walk collects declarations and candidate nodes; candidates are evaluated after,
 * when every declaration is known. Scopes are approximated by one table per file (a name declared
 * once is that binding everywhere; twice, unknown), which is exact for the names that matter
 * (`require`, `__dirname`) unless they are declared in a nested scope: then Babel's scope analysis
 * (slow, and rare: browserify-style bundles) answers instead.
 */
export function scanFile(file: string, code: string, parse: JsParser = parserFor(code)): JsFileAnalysis {
  const ext = path.posix.extname(file);
  const out: JsFileAnalysis = { file, isESM: ext === '.mjs', imports: [], assets: [] };
  if (!INTERESTING.test(code)) return out;
  const parsed = parseByExtension(parse, ext);
  if (!parsed.ast) return { ...out, parseError: parsed.error };
  // Babel's 'unambiguous' says module on import/export or import.meta, as Node's syntax detection does.
  out.isESM = ext === '.mjs' || (ext !== '.cjs' && parsed.ast.program.sourceType === 'module');
  const walked = walk(parsed.ast);
  const env: Env = {
    base: path.posix.basename(file),
    consumed: new WeakSet(),
    lookup: needsExactScopes(walked) ? exactLookup(parsed.ast) : tableLookup(walked),
  };
  collect(walked, env, file, out);
  return out;
}

// ---------------------------------------------------------------------------------------------
// The walk

interface Site {
  node: t.Node;
  parent: t.Node | undefined;
  key: string;
  /** False inside a function that is not immediately invoked. */
  topLevel: boolean;
  inTry: boolean;
}

interface Decl {
  info: BindingInfo;
  /** A `var/let/const` directly in the program body (or an import). */
  atTop: boolean;
}

interface Walked {
  sites: Site[];
  decls: Map<string, Decl[]>;
  reassigned: Set<string>;
  /** Names assigned a createRequire(…) result after their declaration: `var r; … r = createRequire(import.meta.url)`. */
  assignedRequire: Set<string>;
}

const SITE_TYPES = new Set([
  'ImportDeclaration',
  'ExportNamedDeclaration',
  'ExportAllDeclaration',
  'CallExpression',
  'NewExpression',
  'BinaryExpression',
  'TemplateLiteral',
  'MemberExpression',
]);

function walk(ast: t.File): Walked {
  const w: Walked = { sites: [], decls: new Map(), reassigned: new Set(), assignedRequire: new Set() };
  const declare = (name: string, info: BindingInfo, atTop = false) => {
    const list = w.decls.get(name);
    if (list) list.push({ info, atTop });
    else w.decls.set(name, [{ info, atTop }]);
  };
  const declarePattern = (p: t.Node | null | undefined) => {
    for (const name of patternNames(p)) declare(name, { type: 'other' });
  };
  const invokedNow = new WeakSet<t.Node>();
  const topDeclarations = new WeakSet<t.Node>();
  for (const stmt of ast.program.body) {
    const d = stmt.type === 'ExportNamedDeclaration' ? stmt.declaration : stmt;
    if (d?.type === 'VariableDeclaration') topDeclarations.add(d);
  }

  // Iterative pre-order walk (source order); an explicit stack survives deeply nested expressions.
  type Entry = { node: t.Node; parent: t.Node | undefined; key: string; topLevel: boolean; inTry: boolean };
  const stack: Entry[] = [{ node: ast.program, parent: undefined, key: 'program', topLevel: true, inTry: false }];
  while (stack.length) {
    const e = stack.pop()!;
    const { node, parent } = e;
    let topLevel = e.topLevel;

    switch (node.type) {
      case 'VariableDeclarator': {
        const atTop = parent !== undefined && topDeclarations.has(parent);
        if (node.id.type === 'Identifier') declare(node.id.name, { type: 'var', init: node.init ?? undefined, constant: true }, atTop);
        else if (node.id.type === 'ObjectPattern') {
          for (const prop of node.id.properties) {
            const key = prop.type === 'ObjectProperty' ? keyName(prop) : undefined;
            if (prop.type === 'ObjectProperty' && prop.value.type === 'Identifier' && key)
              declare(prop.value.name, { type: 'destructure', init: node.init ?? undefined, key });
            else declarePattern(prop);
          }
        } else declarePattern(node.id);
        break;
      }
      case 'ImportDeclaration':
        for (const s of node.specifiers) {
          const imported =
            s.type === 'ImportDefaultSpecifier'
              ? 'default'
              : s.type === 'ImportNamespaceSpecifier'
                ? '*'
                : (keyName({ key: s.imported } as t.ObjectProperty) ?? '');
          declare(s.local.name, { type: 'import', source: node.source.value, imported }, true);
        }
        break;
      case 'FunctionDeclaration':
      case 'ClassDeclaration':
        if (node.id) declare(node.id.name, { type: 'other' });
        break;
      case 'CatchClause':
        declarePattern(node.param);
        break;
      case 'AssignmentExpression':
        for (const name of patternNames(node.left)) w.reassigned.add(name);
        if (node.left.type === 'Identifier' && node.right.type === 'CallExpression' && isCreateRequireCall(node.right)) w.assignedRequire.add(node.left.name);
        break;
      case 'UpdateExpression':
        if (node.argument.type === 'Identifier') w.reassigned.add(node.argument.name);
        break;
      case 'ForInStatement':
      case 'ForOfStatement':
        if (node.left.type !== 'VariableDeclaration') for (const name of patternNames(node.left)) w.reassigned.add(name);
        break;
      case 'CallExpression': {
        // (function(){…})(), (() => …)(), fn.call(this) / fn.apply(this, …) run now, not later.
        const c = node.callee;
        if (c.type === 'FunctionExpression' || c.type === 'ArrowFunctionExpression') invokedNow.add(c);
        else if (c.type === 'MemberExpression' && (c.object.type === 'FunctionExpression' || c.object.type === 'ArrowFunctionExpression')) {
          const name = c.property.type === 'Identifier' ? c.property.name : '';
          if (name === 'call' || name === 'apply') invokedNow.add(c.object);
        }
        break;
      }
    }
    if (isFunctionNode(node)) {
      if ((node.type === 'FunctionExpression' || node.type === 'ClassMethod' || node.type === 'ObjectMethod') && 'id' in node && node.id)
        declare(node.id.name, { type: 'other' });
      for (const p of node.params) declarePattern(p);
      if (!invokedNow.has(node)) topLevel = false;
    }
    if (node.type === 'ClassExpression' && node.id) declare(node.id.name, { type: 'other' });
    if (SITE_TYPES.has(node.type)) {
      if (node.type !== 'MemberExpression' || isImportMeta(node.object)) w.sites.push({ node, parent, key: e.key, topLevel: e.topLevel, inTry: e.inTry });
    }

    const keys = VISITOR_KEYS[node.type];
    if (!keys) continue;
    for (let k = keys.length - 1; k >= 0; k--) {
      const key = keys[k];
      const child = (node as unknown as Record<string, unknown>)[key];
      // Instance field initialisers run at construction, not at module evaluation.
      const childTop = node.type === 'ClassProperty' && key === 'value' && !node.static ? false : topLevel;
      const childTry = e.inTry || (node.type === 'TryStatement' && key === 'block');
      if (Array.isArray(child)) {
        for (let i = child.length - 1; i >= 0; i--) {
          const c = child[i] as t.Node | null;
          if (c && typeof c.type === 'string') stack.push({ node: c, parent: node, key, topLevel: childTop, inTry: childTry });
        }
      } else if (child && typeof (child as t.Node).type === 'string') {
        stack.push({ node: child as t.Node, parent: node, key, topLevel: childTop, inTry: childTry });
      }
    }
  }
  return w;
}

function isFunctionNode(node: t.Node): node is t.Function {
  return (
    node.type === 'FunctionDeclaration' ||
    node.type === 'FunctionExpression' ||
    node.type === 'ArrowFunctionExpression' ||
    node.type === 'ObjectMethod' ||
    node.type === 'ClassMethod' ||
    node.type === 'ClassPrivateMethod'
  );
}

function keyName(prop: { key: t.Node; computed?: boolean }): string | undefined {
  if (prop.computed) return undefined;
  if (prop.key.type === 'Identifier') return prop.key.name;
  if (prop.key.type === 'StringLiteral') return prop.key.value;
  return undefined;
}

/** Identifiers bound by a pattern (`a`, `{a, b: [c]}`, `...rest`, `x = 1`). */
function patternNames(p: t.Node | null | undefined): string[] {
  if (!p) return [];
  switch (p.type) {
    case 'Identifier':
      return [p.name];
    case 'ObjectPattern':
      return p.properties.flatMap((q) => patternNames(q));
    case 'ObjectProperty':
      return patternNames(p.value);
    case 'ArrayPattern':
      return p.elements.flatMap((q) => patternNames(q));
    case 'RestElement':
      return patternNames(p.argument);
    case 'AssignmentPattern':
      return patternNames(p.left);
    case 'TSParameterProperty':
      return patternNames(p.parameter);
    default:
      return [];
  }
}

// ---------------------------------------------------------------------------------------------
// Binding lookups

function needsExactScopes(w: Walked): boolean {
  return SPECIAL.some((name) => {
    const d = w.decls.get(name);
    return d !== undefined && (d.length > 1 || !d[0].atTop);
  });
}

/** One binding per name for the whole file: right unless a name is declared in several scopes (then unknown). */
function tableLookup(w: Walked): Env['lookup'] {
  return (id) => {
    const d = w.decls.get(id.name);
    if (!d) return undefined;
    if (d.length > 1) return { type: 'other' };
    const info = d[0].info;
    return info.type === 'var' ? { ...info, constant: !w.reassigned.has(id.name) } : info;
  };
}

/** Babel's scope analysis, for files that shadow `require`/`__dirname` in nested scopes. */
function exactLookup(ast: t.File): Env['lookup'] {
  const map = new Map<t.Identifier, BindingInfo>();
  traverse(ast, {
    ReferencedIdentifier(p) {
      if (p.node.type !== 'Identifier') return;
      const b = p.scope.getBinding(p.node.name);
      if (b) map.set(p.node, bindingInfo(b));
    },
  });
  return (id) => map.get(id);
}

function bindingInfo(b: Binding): BindingInfo {
  const node = b.path.node;
  if (node.type === 'VariableDeclarator') {
    if (node.id.type === 'Identifier') return { type: 'var', init: node.init ?? undefined, constant: b.constant };
    if (node.id.type === 'ObjectPattern') {
      for (const prop of node.id.properties) {
        if (prop.type === 'ObjectProperty' && prop.value.type === 'Identifier' && prop.value.name === b.identifier.name) {
          const key = keyName(prop);
          if (key) return { type: 'destructure', init: node.init ?? undefined, key };
        }
      }
    }
  }
  const parent = b.path.parent;
  if (parent?.type === 'ImportDeclaration') {
    const imported =
      node.type === 'ImportDefaultSpecifier'
        ? 'default'
        : node.type === 'ImportNamespaceSpecifier'
          ? '*'
          : node.type === 'ImportSpecifier'
            ? (keyName({ key: node.imported } as t.ObjectProperty) ?? '')
            : '';
    return { type: 'import', source: parent.source.value, imported };
  }
  return { type: 'other' };
}

// ---------------------------------------------------------------------------------------------
// From candidate nodes to records

type RequireKind = 'require' | 'create-require';

function collect(w: Walked, env: Env, file: string, out: JsFileAnalysis): void {
  const seenAssets = new Set<string>();

  const requireKindOf = (node: t.Node, depth = 0): RequireKind | undefined => {
    if (depth > 4) return undefined;
    if (node.type === 'Identifier') {
      const b = env.lookup(node);
      if (!b) return node.name === 'require' ? 'require' : undefined;
      // `const require = createRequire(import.meta.url)`, `const req = require`, `r = createRequire(…)` later
      if (b.type === 'var' && w.assignedRequire.has(node.name)) return 'create-require';
      if (b.type !== 'var' || !b.constant || !b.init) return undefined;
      if (b.init.type === 'CallExpression' && isCreateRequireCall(b.init)) return 'create-require';
      if (isEvalRequire(b.init)) return 'require';
      return b.init.type === 'Identifier' ? requireKindOf(b.init, depth + 1) : undefined;
    }
    // module.require('x')
    if (node.type === 'MemberExpression' && !node.computed && node.property.type === 'Identifier' && node.property.name === 'require') {
      const obj = node.object;
      if (obj.type === 'Identifier' && obj.name === 'module' && !env.lookup(obj)) return 'require';
    }
    // createRequire(import.meta.url)('x')
    if (node.type === 'CallExpression' && isCreateRequireCall(node)) return 'create-require';
    // eval('require')('x'), eval('req' + 'uire'): a require bundlers do not see (nft reads it the same way)
    if (isEvalRequire(node)) return 'require';
    return undefined;
  };

  /** `eval('require')` / `eval('req' + 'uire')` with a global eval. */
  const isEvalRequire = (node: t.Node): boolean =>
    node.type === 'CallExpression' && isGlobal(node.callee, 'eval') && node.arguments.length === 1 && evaluate(node.arguments[0], env, 0, false) === 'require';

  const isGlobal = (n: t.Node, name: string): boolean => n.type === 'Identifier' && n.name === name && !env.lookup(n);

  /**
   * Requires hidden from static analysis, whose module the code loads all the same: protobufjs's
   * `util.inquire("long")` (an eval'd require that returns null on failure, so optional), a bare
   * `eval('require')` handed on, an `eval` of code that is not known, and `new Function('require', …)`.
   * A literal module name is a require of it; anything else is an unknown require: its package is kept whole.
   */
  const hiddenRequire = (s: Site): boolean => {
    const node = s.node as t.CallExpression | t.NewExpression;
    const c = node.callee;
    const args = node.arguments;
    if (node.type === 'CallExpression' && ((c.type === 'Identifier' && c.name === 'inquire') || (c.type === 'MemberExpression' && propName(c) === 'inquire'))) {
      if (args.length !== 1) return false;
      const spec = toSpec(evaluate(args[0], env));
      out.imports.push({ kind: 'require', ...('specifier' in spec ? spec : { unknown: true }), topLevel: s.topLevel, optional: true, ...loc(node) });
      return true;
    }
    if (node.type === 'CallExpression' && isGlobal(c, 'eval') && args.length === 1) {
      const value = evaluate(args[0], env, 0, false);
      if (value === 'require') {
        // Called at once, or held in a const whose calls are read as requires: the requires are known.
        if (s.key === 'callee' || (s.parent?.type === 'VariableDeclarator' && s.key === 'init')) return true;
        push('require', { unknown: true }, s);
        return true;
      }
      // eval of code with unknown parts may require anything; a fully known string is code without a require.
      if (value === undefined || value.includes(WILD)) push('require', { unknown: true }, s);
      return true;
    }
    if (isGlobal(c, 'Function') && args.length > 1) {
      const params = args.slice(0, -1).map((a) => evaluate(a, env, 0, false));
      if (params.some((p) => p === undefined || /\brequire\b/.test(p))) push('require', { unknown: true }, s);
      return true;
    }
    return false;
  };

  const flags = (s: Site): { topLevel: boolean; optional?: true } => {
    const caught = s.parent?.type === 'MemberExpression' && s.key === 'object' && (s.parent.property as t.Identifier).name === 'catch';
    return s.inTry || caught ? { topLevel: s.topLevel, optional: true } : { topLevel: s.topLevel };
  };

  const push = (kind: ImportRecord['kind'], spec: Spec, s: Site) => {
    out.imports.push({ kind, ...spec, ...flags(s), ...loc(s.node) });
  };

  /** One record per alternative of `cond ? './a' : './b'` / `a || './b'`. */
  const pushArg = (kind: ImportRecord['kind'], arg: t.Node | undefined, s: Site) => {
    if (!arg) return push(kind, { unknown: true }, s);
    for (const alt of alternatives(arg)) push(kind, toSpec(evaluate(alt, env)), s);
  };

  const isModuleArg = (s: Site): boolean =>
    s.parent?.type === 'CallExpression' && s.key === 'arguments' && (s.parent.callee.type === 'Import' || requireKindOf(s.parent.callee) !== undefined);

  /** The outermost path-like expression rooted at the file's directory is an fs asset. */
  const assetCandidate = (s: Site): void => {
    if (env.consumed.has(s.node) || s.key === 'callee' || isModuleArg(s)) return;
    const value = evaluate(s.node, env);
    if (value === undefined || !value.startsWith(DIR)) return;
    const asset = toAsset(value, file);
    if (!asset || asset.path === file) return; // import.meta.url / __filename: the file itself
    const key = `${asset.path}\0${asset.isDirectory ?? false}`;
    if (seenAssets.has(key)) return;
    seenAssets.add(key);
    const record: AssetRecord = { path: asset.path, ...(asset.isDirectory ? { isDirectory: true } : {}), line: loc(s.node).line };
    out.assets.push(record);
  };

  for (const s of w.sites) {
    const node = s.node;
    if (node.type === 'ImportDeclaration' || node.type === 'ExportNamedDeclaration' || node.type === 'ExportAllDeclaration') {
      declarationRecord(node, out.imports);
      continue;
    }
    if ((node.type === 'CallExpression' || node.type === 'NewExpression') && hiddenRequire(s)) continue;
    if (node.type === 'CallExpression') {
      if (node.callee.type === 'Import') {
        pushArg('dynamic-import', node.arguments[0], s);
        continue;
      }
      const direct = requireKindOf(node.callee);
      if (direct) {
        pushArg(direct, node.arguments[0], s);
        continue;
      }
      // require.resolve('x') / r.resolve('x'): the file is located at run time, so it is kept.
      // import.meta.resolve('x') likewise; recorded as a dynamic import (it runs when reached).
      const c = node.callee;
      if (c.type === 'MemberExpression' && !c.computed && c.property.type === 'Identifier' && c.property.name === 'resolve') {
        if (isImportMeta(c.object)) {
          pushArg('dynamic-import', node.arguments[0], s);
          continue;
        }
        if (requireKindOf(c.object)) {
          pushArg('require.resolve', node.arguments[0], s);
          continue;
        }
      }
    }
    assetCandidate(s);
  }
}

const loc = (n: t.Node) => ({ line: n.loc?.start.line ?? 0, column: n.loc?.start.column ?? 0 });

/** import … from / export … from: static, always evaluated at init. */
function declarationRecord(n: t.ImportDeclaration | t.ExportNamedDeclaration | t.ExportAllDeclaration, into: JsImportRecord[]): void {
  if (!n.source) return;
  const typeOnly = n.type === 'ImportDeclaration' ? n.importKind === 'type' || n.importKind === 'typeof' : n.exportKind === 'type';
  const kind = n.type === 'ImportDeclaration' ? 'import' : 'export-from';
  into.push({ kind, specifier: n.source.value, ...(typeOnly ? { typeOnly } : {}), topLevel: true, ...loc(n) });
}

/** createRequire(…) / module.createRequire(…) / Module.createRequire(…) — whatever its base, it is a require. */
function isCreateRequireCall(node: t.CallExpression): boolean {
  const c = node.callee;
  const name = c.type === 'Identifier' ? c.name : c.type === 'MemberExpression' && !c.computed && c.property.type === 'Identifier' ? c.property.name : '';
  return name === 'createRequire' || name === 'createRequireFromPath';
}

/** Branches of conditional / logical expressions: each may be the specifier. */
function alternatives(n: t.Node): t.Node[] {
  if (n.type === 'ConditionalExpression') return [...alternatives(n.consequent), ...alternatives(n.alternate)];
  if (n.type === 'LogicalExpression') return [...alternatives(n.left), ...alternatives(n.right)];
  return [n];
}

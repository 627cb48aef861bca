/**
 * Init-time analysis of import bindings in one JavaScript file.
 *
 * For every module-scope import statement (`const x = require('m')`, `import {a} from 'm'` …) we decide
 * whether its bound names are used while the module evaluates ('init': must stay eager), only inside
 * functions that run later ('deferred': may become lazy), never ('unused'), or in ways we cannot follow
 * ('unknown'). One parse and one traverse per file; the result is plain data (BindingSite).
 *
 * "Runs at init" is a reachability question over execution units (the program, each function, and each
 * class's instance initialisation): the program runs; a unit runs when a running unit calls it (IIFE,
 * call of a local function, callback argument, `new` of a local class, `this.m()` / `obj.m()` of a
 * known local object or class). Anything we cannot see calling a function leaves it deferred, except
 * where a doubt would be unsafe (reassigned or exported bindings, eval, with) — those are 'unknown'.
 */
import { isBuiltin as isBuiltinSpecifier } from 'node:module';
import { isDeferrableBuiltin } from './builtins.js';
import { parserFor, type JsParser } from '../../../io/index.js';
import { traverse } from './parse.js';
import type { NodePath, Binding } from '@babel/traverse';
import type * as t from '@babel/types';
import type { BindingKind, BindingSite, BindingUsage } from '../../../types.js';

/**
 * Methods that only register a callback to be called later (express/koa routers, event emitters).
 * A function passed to `anything.<name>(…)` at init is therefore NOT considered to run at init.
 * Keep this table small: every entry is a bet that the callee does not call the function right away.
 */
export const REGISTRATION_METHODS: ReadonlySet<string> = new Set([
  'get',
  'post',
  'put',
  'patch',
  'delete',
  'head',
  'options',
  'all',
  'use',
  'route',
  'on',
  'once',
  'addListener',
  // template engines register filters/helpers that run when a template renders (nunjucks, handlebars), fastify hooks
  'addFilter',
  'addTest',
  'registerHelper',
  'registerDecorator',
  'addHook',
]);

/** Plain functions (by the local name they are usually imported as) that wrap a handler to call it per request. */
export const REGISTRATION_FUNCTIONS: ReadonlySet<string> = new Set(['middy']);

/** Interop helpers emitted by TypeScript, Babel and esbuild around `require()`; identified by name. */
const INTEROP_HELPERS = /^(__importDefault|__importStar|__importWildcard|__toESM|_interopRequireDefault\d*|_interopRequireWildcard\d*)$/;

export interface ParsedFile {
  ast: t.File;
  isESM: boolean;
}

/** How the file is parsed: as what the graph found it to be (undefined: as its syntax says). */
export interface AnalyzeOptions {
  isESM?: boolean;
  /** The run's shared parse of this file (JobIO.jsParser); default: a parse of `code` of its own. */
  parse?: JsParser;
}

/** Parses with the shared options (src/io) in the file's module type; throws Babel's error when it does not parse. */
export function parseJs(code: string, isESM?: boolean, parse: JsParser = parserFor(code)): ParsedFile {
  const r = parse(isESM === undefined ? 'unambiguous' : isESM ? 'module' : 'script');
  if (!r.ast) throw r.error;
  return { ast: r.ast, isESM: r.ast.program.sourceType === 'module' };
}

// ---------------------------------------------------------------------------------------------
// Sites

/** One site plus what the rewriter needs (AST nodes of the same parse). */
export interface SiteInfo {
  site: BindingSite;
  statement: t.Statement;
  /** CJS: the declarator of this site and its index in the statement. */
  declarator?: t.VariableDeclarator;
  declaratorIndex?: number;
  /** CJS: the init expression (require(...) possibly wrapped). */
  init?: t.Expression;
  /** ESM: imported name per local name ('default', '*' for namespace, or the export name). */
  imported?: Record<string, string>;
  /** References per local name (same parse). */
  refs: Record<string, NodePath<t.Identifier>[]>;
}

/**
 * A module-scope `const x = new C(…)` / `C.make(…)` whose callee comes from an import and whose inputs
 * cannot change after init (literals, primitive consts, imports, earlier lazy values): evaluating it at
 * first use gives the same value, so when `x` is used only after init it can become a memoised getter,
 * and the import it needs stops being needed at init (SDK clients built at module scope).
 */
export interface ValueSiteInfo {
  /** The bound name, or the pattern's source (`{ constants }`) for a destructuring declaration. */
  name: string;
  /** Local names bound (one, or each name of the pattern). */
  names: string[];
  /** `const { a, b } = …`: the declaration destructures (its values are read once, at first use). */
  pattern?: t.ObjectPattern;
  /**
   * The initialiser only reads properties of a deferrable Node built-in (`http2.constants`, an alias of
   * `getRandomValues`): reading them later reads the same values, and no other code can observe when.
   */
  builtinRead?: boolean;
  line: number;
  statement: t.VariableDeclaration;
  init: t.Expression;
  /** Import-site names and earlier value names the initialiser reads. */
  deps: string[];
  usage: BindingUsage;
  usageReason: string;
  refs: NodePath<t.Identifier>[];
}

export interface FileBindings {
  parsed: ParsedFile;
  program: NodePath<t.Program>;
  sites: SiteInfo[];
  /** Candidate lazy values, in source order. */
  values: ValueSiteInfo[];
  /** Every identifier name in the file: generated names must avoid all of them. */
  names: Set<string>;
}

/** `require('m')` with a literal specifier and the free (module wrapper) `require`. */
function requireSpecifier(node: t.Node | null | undefined, program: NodePath<t.Program>): string | undefined {
  if (node?.type !== 'CallExpression' || node.callee.type !== 'Identifier' || node.callee.name !== 'require') return;
  if (node.arguments.length !== 1 || program.scope.getBinding('require')) return;
  const a = node.arguments[0];
  if (a.type === 'StringLiteral') return a.value;
  if (a.type === 'TemplateLiteral' && a.expressions.length === 0) return a.quasis[0].value.cooked ?? undefined;
}

function isInteropHelper(callee: t.Node): boolean {
  if (callee.type === 'Identifier') return INTEROP_HELPERS.test(callee.name);
  // tslib_1.__importDefault(...)
  return (
    callee.type === 'MemberExpression' &&
    !callee.computed &&
    callee.object.type === 'Identifier' &&
    callee.property.type === 'Identifier' &&
    INTEROP_HELPERS.test(callee.property.name)
  );
}

const isLiteralArg = (n: t.Node): boolean => n.type === 'NumericLiteral' || n.type === 'BooleanLiteral' || n.type === 'StringLiteral';

/**
 * The specifier when `node` is made only of one `require(literal)`, static member accesses and interop
 * helper calls (extra helper arguments must be literals): evaluating it later is then equivalent.
 */
export function requireExpressionSpecifier(node: t.Node, program: NodePath<t.Program>): string | undefined {
  const direct = requireSpecifier(node, program);
  if (direct !== undefined) return direct;
  if (node.type === 'MemberExpression') {
    const staticKey = !node.computed || node.property.type === 'StringLiteral' || node.property.type === 'NumericLiteral';
    return staticKey ? requireExpressionSpecifier(node.object, program) : undefined;
  }
  if (node.type === 'CallExpression' && isInteropHelper(node.callee) && node.arguments.length >= 1) {
    if (!node.arguments.slice(1).every(isLiteralArg)) return;
    return requireExpressionSpecifier(node.arguments[0], program);
  }
}

/** Why a destructuring pattern is not followed exactly (undefined when it is). */
function unsupportedPattern(p: t.LVal): string | undefined {
  if (p.type === 'Identifier') return;
  if (p.type === 'RestElement') return unsupportedPattern(p.argument);
  if (p.type === 'AssignmentPattern') {
    const v = p.right;
    const pure = v.type.endsWith('Literal') && v.type !== 'TemplateLiteral' && v.type !== 'RegExpLiteral';
    return pure ? unsupportedPattern(p.left) : `default value with an expression at line ${line(v)}`;
  }
  if (p.type === 'ObjectPattern') {
    for (const prop of p.properties) {
      if (prop.type === 'RestElement') {
        const r = unsupportedPattern(prop);
        if (r) return r;
        continue;
      }
      if (prop.computed && prop.key.type !== 'StringLiteral' && prop.key.type !== 'NumericLiteral') return `computed key at line ${line(prop.key)}`;
      const r = unsupportedPattern(prop.value as unknown as t.LVal);
      if (r) return r;
    }
    return;
  }
  if (p.type === 'ArrayPattern') return 'array pattern (iterates the module value)';
  return `pattern ${p.type}`;
}

function patternNames(p: t.Node, out: string[] = []): string[] {
  switch (p.type) {
    case 'Identifier':
      out.push(p.name);
      break;
    case 'RestElement':
      patternNames(p.argument, out);
      break;
    case 'AssignmentPattern':
      patternNames(p.left, out);
      break;
    case 'ObjectPattern':
      for (const q of p.properties) patternNames(q.type === 'RestElement' ? q : q.value, out);
      break;
    case 'ArrayPattern':
      for (const q of p.elements) if (q) patternNames(q, out);
      break;
  }
  return out;
}

const line = (n: t.Node): number => n.loc?.start.line ?? 0;

interface RawSite {
  info: Omit<SiteInfo, 'refs' | 'site'>;
  specifier: string;
  kind: BindingKind;
  names: string[];
  start: number;
  end: number;
  line: number;
  /** Forced classification (side effects, unsupported patterns). */
  forced?: { usage: BindingUsage; reason: string };
}

function collectSites(program: NodePath<t.Program>, isESM: boolean): RawSite[] {
  const out: RawSite[] = [];
  for (const stmt of program.node.body) {
    if (stmt.type === 'ImportDeclaration') {
      if (stmt.importKind === 'type' || stmt.importKind === 'typeof') continue;
      const base = { specifier: stmt.source.value, start: stmt.start!, end: stmt.end!, line: line(stmt) };
      if (stmt.specifiers.length === 0) {
        out.push({ ...base, info: { statement: stmt }, kind: 'side-effect', names: [], forced: { usage: 'init', reason: 'side-effect-only import' } });
        continue;
      }
      const imported: Record<string, string> = {};
      let hasDefault = false,
        hasNamed = false,
        hasNs = false;
      for (const s of stmt.specifiers) {
        if (s.type === 'ImportDefaultSpecifier') {
          imported[s.local.name] = 'default';
          hasDefault = true;
        } else if (s.type === 'ImportNamespaceSpecifier') {
          imported[s.local.name] = '*';
          hasNs = true;
        } else {
          if (s.importKind === 'type' || s.importKind === 'typeof') continue;
          imported[s.local.name] = s.imported.type === 'Identifier' ? s.imported.name : s.imported.value;
          hasNamed = true;
        }
      }
      const kind: BindingKind =
        [hasDefault, hasNamed, hasNs].filter(Boolean).length > 1 ? 'esm-mixed' : hasNs ? 'esm-namespace' : hasNamed ? 'esm-named' : 'esm-default';
      out.push({ ...base, info: { statement: stmt, imported }, kind, names: Object.keys(imported) });
      continue;
    }
    if (isESM) continue; // `require` in an ESM file is a local binding of someone's createRequire: not a site
    if (stmt.type === 'ExpressionStatement') {
      const spec = requireSpecifier(stmt.expression, program);
      if (spec !== undefined)
        out.push({
          info: { statement: stmt },
          specifier: spec,
          kind: 'side-effect',
          names: [],
          start: stmt.start!,
          end: stmt.end!,
          line: line(stmt),
          forced: { usage: 'init', reason: 'side-effect-only import' },
        });
      continue;
    }
    if (stmt.type !== 'VariableDeclaration') continue;
    const multi = stmt.declarations.length > 1;
    stmt.declarations.forEach((d, i) => {
      if (!d.init) return;
      const spec = requireExpressionSpecifier(d.init, program);
      if (spec === undefined) return;
      const range = multi ? d : stmt;
      const base = {
        info: { statement: stmt, declarator: d, declaratorIndex: i, init: d.init },
        specifier: spec,
        start: range.start!,
        end: range.end!,
        line: line(d),
      };
      if (d.id.type === 'Identifier') {
        const plain = requireSpecifier(d.init, program) !== undefined;
        out.push({ ...base, kind: plain ? 'cjs-require' : 'cjs-expression', names: [d.id.name] });
      } else {
        const bad = unsupportedPattern(d.id as t.LVal);
        out.push({
          ...base,
          kind: 'cjs-destructure',
          names: patternNames(d.id),
          forced: bad ? { usage: 'unknown', reason: `destructuring not followed: ${bad}` } : undefined,
        });
      }
    });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Execution units: which functions run while the module evaluates

/** A unit is the Program node, a Function node, or a Class node standing for its instance initialisation. */
type Unit = t.Node;

/** Why a unit runs at init: the unit that triggers it and how. */
interface Trigger {
  from: Unit;
  how: string;
  line: number;
}

function classOfMember(member: NodePath): NodePath<t.Class> {
  return member.parentPath!.parentPath as NodePath<t.Class>; // member → ClassBody → Class
}

/** The unit whose execution evaluates `path`. */
export function unitOf(path: NodePath): Unit {
  let child: t.Node = path.node;
  let p: NodePath | null = path.parentPath;
  while (p) {
    const n = p.node;
    if (p.isFunction()) {
      const fn = p.node;
      const inKey = 'key' in fn && fn.key === child;
      const inDecorators = 'decorators' in fn && fn.decorators?.includes(child as t.Decorator);
      if (!inKey && !inDecorators) {
        if (fn.type === 'ClassMethod' && fn.kind === 'constructor') return classOfMember(p).node;
        return fn;
      }
    } else if (n.type === 'ClassProperty' || n.type === 'ClassPrivateProperty' || n.type === 'ClassAccessorProperty') {
      // Instance field initialisers run with the constructor; static ones at class definition.
      if (n.value === child && !n.static) return classOfMember(p).node;
    } else if (n.type === 'Program') {
      return n;
    }
    child = n;
    p = p.parentPath;
  }
  return child;
}

const unparen = (n: t.Node): t.Node =>
  n.type === 'ParenthesizedExpression' ? unparen(n.expression) : n.type === 'SequenceExpression' ? unparen(n.expressions.at(-1)!) : n;

function propName(m: t.MemberExpression | t.OptionalMemberExpression): string | undefined {
  if (!m.computed && m.property.type === 'Identifier') return m.property.name;
  if (m.property.type === 'StringLiteral') return m.property.value;
}

/** Function or class node a local binding holds, if it is one we can follow. */
function bindingValue(binding: Binding | undefined): t.Node | undefined {
  if (!binding) return;
  const n = binding.path.node;
  if (n.type === 'FunctionDeclaration' || n.type === 'ClassDeclaration') return n;
  if (n.type === 'VariableDeclarator' && n.init) return unparen(n.init);
}

const isFn = (n: t.Node | undefined): n is t.Function =>
  !!n &&
  (n.type === 'FunctionExpression' ||
    n.type === 'ArrowFunctionExpression' ||
    n.type === 'FunctionDeclaration' ||
    n.type === 'ObjectMethod' ||
    n.type === 'ClassMethod' ||
    n.type === 'ClassPrivateMethod');
const isClass = (n: t.Node | undefined): n is t.Class => !!n && (n.type === 'ClassDeclaration' || n.type === 'ClassExpression');

/** Methods named `name` of a class (static or instance). */
function classMethods(cls: t.Class, name: string, isStatic: boolean): t.Node[] {
  return cls.body.body.filter(
    (m) =>
      (m.type === 'ClassMethod' || m.type === 'ClassPrivateMethod') &&
      m.kind === 'method' &&
      !!m.static === isStatic &&
      ((m.type === 'ClassMethod' && !m.computed && m.key.type === 'Identifier' && m.key.name === name) ||
        (m.type === 'ClassMethod' && m.key.type === 'StringLiteral' && m.key.value === name) ||
        (m.type === 'ClassPrivateMethod' && '#' + m.key.id.name === name)),
  );
}

/** Functions of an object literal that a callee receiving it might call (descriptors' get/set excluded). */
function objectFunctions(obj: t.ObjectExpression, scope: NodePath['scope']): t.Node[] {
  const out: t.Node[] = [];
  for (const p of obj.properties) {
    if (p.type === 'ObjectMethod') {
      if (p.kind === 'method') out.push(p);
      continue;
    }
    if (p.type !== 'ObjectProperty') continue;
    const key = !p.computed && p.key.type === 'Identifier' ? p.key.name : p.key.type === 'StringLiteral' ? p.key.value : '';
    if (key === 'get' || key === 'set') continue; // property descriptor accessors: run when the property is read
    const v = unparen(p.value);
    if (isFn(v)) out.push(v);
    else if (v.type === 'Identifier') {
      const f = bindingValue(scope.getBinding(v.name));
      if (isFn(f)) out.push(f);
    }
  }
  return out;
}

/** Units started by a call whose callee is `callee` (new: constructing). */
function calleeTargets(calleePath: NodePath, isNew: boolean): t.Node[] {
  const callee = unparen(calleePath.node);
  const scope = calleePath.scope;
  const asTarget = (v: t.Node | undefined): t.Node[] => (isFn(v) ? [v] : isClass(v) && isNew ? [v] : []);
  if (isFn(callee) || isClass(callee)) return asTarget(callee);
  if (callee.type === 'Identifier') return asTarget(bindingValue(scope.getBinding(callee.name)));
  if (callee.type !== 'MemberExpression' && callee.type !== 'OptionalMemberExpression') return [];
  const name = callee.property.type === 'PrivateName' ? '#' + callee.property.id.name : propName(callee);
  if (name === undefined) return [];
  const obj = unparen(callee.object);
  if (name === 'call' || name === 'apply') {
    const objPath = calleePath.isMemberExpression() || calleePath.isOptionalMemberExpression() ? (calleePath.get('object') as NodePath) : calleePath;
    const direct = calleeTargets(objPath, false);
    if (direct.length) return direct;
  }
  if (obj.type === 'ThisExpression') {
    const fnPath = calleePath.findParent((p) => (p.isFunction() && !p.isArrowFunctionExpression()) || p.isClassProperty() || p.isClassPrivateProperty());
    if (!fnPath) return [];
    const n = fnPath.node as t.ClassMethod | t.ClassProperty;
    if (fnPath.isClassMethod() || fnPath.isClassPrivateMethod() || fnPath.isClassProperty() || fnPath.isClassPrivateProperty())
      return classMethods(classOfMember(fnPath).node, name, !!n.static);
    return [];
  }
  if (obj.type !== 'Identifier') return [];
  const v = bindingValue(scope.getBinding(obj.name));
  if (isClass(v)) return classMethods(v, name, true);
  if (v?.type === 'NewExpression' && v.callee.type === 'Identifier') {
    const cls = bindingValue(scope.getBinding(v.callee.name));
    if (isClass(cls)) return classMethods(cls, name, false);
  }
  if (v?.type === 'ObjectExpression') {
    for (const p of v.properties) {
      const key = p.type !== 'SpreadElement' && !p.computed && p.key.type === 'Identifier' ? p.key.name : undefined;
      if (key !== name) continue;
      if (p.type === 'ObjectMethod' && p.kind === 'method') return [p];
      if (p.type === 'ObjectProperty') return asTarget(unparen(p.value));
    }
  }
  return [];
}

/** Units started by passing `arg` to a callee that may call it. */
function argumentTargets(arg: t.Node, scope: NodePath['scope']): t.Node[] {
  const a = unparen(arg.type === 'SpreadElement' ? arg.argument : arg);
  if (isFn(a)) return [a];
  if (a.type === 'Identifier') {
    const v = bindingValue(scope.getBinding(a.name));
    return isFn(v) ? [v] : [];
  }
  if (a.type === 'ObjectExpression') return objectFunctions(a, scope);
  return [];
}

function calleeLabel(callee: t.Node): string {
  const c = unparen(callee);
  if (c.type === 'Identifier') return c.name;
  if (c.type === 'MemberExpression' || c.type === 'OptionalMemberExpression') return `${calleeLabel(c.object)}.${propName(c) ?? '[…]'}`;
  if (c.type === 'ThisExpression') return 'this';
  if (c.type === 'ArrayExpression') return '[…]';
  return c.type === 'FunctionExpression' || c.type === 'ArrowFunctionExpression' ? 'function' : '…';
}

/** Human name of a unit for reasons. */
function describeUnit(u: Unit, parents: Map<t.Node, t.Node>): string {
  if (u.type === 'Program') return 'top level';
  if (isClass(u)) return `constructor of class ${u.id?.name ?? '(anonymous)'}`;
  const fn = u as t.Function;
  if ((fn.type === 'FunctionDeclaration' || fn.type === 'FunctionExpression') && fn.id) return `function ${fn.id.name}`;
  if ((fn.type === 'ClassMethod' || fn.type === 'ObjectMethod') && fn.key.type === 'Identifier') return `method ${fn.key.name}`;
  const parent = parents.get(fn);
  if (parent?.type === 'VariableDeclarator' && parent.id.type === 'Identifier') return `function ${parent.id.name}`;
  if (parent?.type === 'AssignmentExpression' && parent.left.type === 'MemberExpression') return `function ${calleeLabel(parent.left)}`;
  return 'anonymous function';
}

// ---------------------------------------------------------------------------------------------
// Classification

/** `module.exports`, `module.exports.x`, `exports.x` (the left side of an export assignment). */
function isExportsTarget(n: t.Node): boolean {
  if (n.type === 'Identifier') return n.name === 'exports';
  if (n.type !== 'MemberExpression') return false;
  if (n.object.type === 'Identifier' && n.object.name === 'module' && propName(n) === 'exports') return true;
  return isExportsTarget(n.object);
}

/** Why a reference cannot be followed / is an export (undefined when it is an ordinary use). */
function unknownUse(ref: NodePath<t.Identifier>): string | undefined {
  const parent = ref.parent;
  const ln = line(ref.node);
  if (parent.type === 'ExportSpecifier' || parent.type === 'ExportDefaultDeclaration') return `exported at line ${ln}`;
  if (parent.type === 'AssignmentExpression' && parent.right === ref.node && isExportsTarget(parent.left)) return `exported at line ${ln}`;
  if (parent.type === 'UnaryExpression' && parent.operator === 'delete') return `deleted at line ${ln}`;
  if (ref.findParent((p) => p.isWithStatement())) return `referenced inside a with statement at line ${ln}`;
}

/** True when the reference sits directly in the body of an async function (an `await` is legal there). */
export function inAsyncBody(ref: NodePath): boolean {
  let child: t.Node = ref.node;
  for (let p = ref.parentPath; p; child = p.node, p = p.parentPath) {
    const n = p.node;
    if (p.isFunction()) return !!(p.node as t.Function).async && (p.node as t.Function).body === child;
    // Class bodies are not the function's body (await is a syntax error in field initialisers).
    if (n.type === 'ClassBody' || n.type === 'Program') return false;
  }
  return false;
}

// ---------------------------------------------------------------------------------------------
// Lazy values

const PRIMITIVE_GLOBALS = new Set(['undefined', 'NaN', 'Infinity']);

/** `process.env.X` / `process.env['X']` with the global `process`. */
function isEnvRead(n: t.Node, scope: NodePath['scope']): boolean {
  return (
    n.type === 'MemberExpression' &&
    n.object.type === 'MemberExpression' &&
    !n.object.computed &&
    n.object.object.type === 'Identifier' &&
    n.object.object.name === 'process' &&
    !scope.getBinding('process') &&
    n.object.property.type === 'Identifier' &&
    n.object.property.name === 'env' &&
    (!n.computed || n.property.type === 'StringLiteral')
  );
}

/** A module-scope const/let, never reassigned, declared before `before`, whose value is a primitive computed from literals and env reads. */
function isPrimitiveConst(name: string, program: NodePath<t.Program>, before: number, seen = new Set<string>()): boolean {
  const b = program.scope.getBinding(name);
  if (!b || b.scope !== program.scope || (b.kind !== 'const' && b.kind !== 'let') || b.constantViolations.length || seen.has(name)) return false;
  const d = b.path.node;
  if (d.type !== 'VariableDeclarator' || d.id.type !== 'Identifier' || !d.init || d.end! > before) return false;
  seen.add(name);
  const prim = (n: t.Node): boolean => {
    switch (n.type) {
      case 'StringLiteral':
      case 'NumericLiteral':
      case 'BooleanLiteral':
      case 'NullLiteral':
      case 'BigIntLiteral':
        return true;
      case 'TemplateLiteral':
        return n.expressions.every(prim);
      case 'UnaryExpression':
        return n.operator !== 'delete' && prim(n.argument);
      case 'BinaryExpression':
        return n.left.type !== 'PrivateName' && prim(n.left) && prim(n.right) && n.operator !== 'in' && n.operator !== 'instanceof';
      case 'LogicalExpression':
        return prim(n.left) && prim(n.right);
      case 'ConditionalExpression':
        return prim(n.test) && prim(n.consequent) && prim(n.alternate);
      case 'ParenthesizedExpression':
        return prim(n.expression);
      case 'MemberExpression':
        return isEnvRead(n, program.scope);
      case 'Identifier':
        return (PRIMITIVE_GLOBALS.has(n.name) && !program.scope.getBinding(n.name)) || isPrimitiveConst(n.name, program, d.start!, seen);
      default:
        return false;
    }
  };
  return prim(d.init);
}

/** `this`, `arguments`, `super` or `new.target` outside a non-arrow function: they would mean the getter's own. */
function readsContext(n: t.Node): boolean {
  let found = false;
  const walk = (x: t.Node | null | undefined): void => {
    if (!x || found || typeof x !== 'object') return;
    if (x.type === 'ThisExpression' || x.type === 'Super' || x.type === 'MetaProperty' || (x.type === 'Identifier' && x.name === 'arguments')) {
      found = true;
      return;
    }
    if ((x.type === 'FunctionExpression' || x.type === 'ObjectMethod' || x.type === 'ClassMethod') && x !== n) return;
    for (const k of Object.keys(x) as (keyof typeof x)[]) {
      if (k === 'loc' || k === 'leadingComments' || k === 'trailingComments' || k === 'innerComments' || k === 'extra') continue;
      const v = x[k] as unknown;
      if (Array.isArray(v)) v.forEach((e) => walk(e as t.Node));
      else if (v && typeof v === 'object' && 'type' in (v as object)) walk(v as t.Node);
    }
  };
  walk(n);
  return found;
}

/**
 * The names an initialiser depends on when evaluating it later is equivalent (undefined when it is not):
 * literals, object/array literals, functions, operators, primitive consts, and calls / `new` / member
 * reads rooted at an import binding or an earlier lazy value. Globals (Date, Math, JSON…) are refused:
 * their results may differ later.
 */
function deferrableDeps(init: t.Expression, program: NodePath<t.Program>, known: Set<string>, start: number): Set<string> | undefined {
  const deps = new Set<string>();
  const ok = (n: t.Node | null | undefined): boolean => {
    if (!n) return true;
    switch (n.type) {
      case 'StringLiteral':
      case 'NumericLiteral':
      case 'BooleanLiteral':
      case 'NullLiteral':
      case 'BigIntLiteral':
      case 'RegExpLiteral':
        return true;
      case 'TemplateLiteral':
        return n.expressions.every(ok);
      case 'ArrowFunctionExpression':
      case 'FunctionExpression':
        return true; // a closure over the same module scope, whenever created
      case 'ObjectExpression':
        return n.properties.every((p) =>
          p.type === 'ObjectMethod'
            ? p.kind === 'method' && (!p.computed || ok(p.key))
            : p.type === 'ObjectProperty' && (!p.computed || ok(p.key)) && ok(p.value),
        );
      case 'ArrayExpression':
        return n.elements.every((e) => e === null || (e.type !== 'SpreadElement' && ok(e)));
      case 'UnaryExpression':
        return n.operator !== 'delete' && ok(n.argument);
      case 'BinaryExpression':
        return n.left.type !== 'PrivateName' && ok(n.left) && ok(n.right);
      case 'LogicalExpression':
        return ok(n.left) && ok(n.right);
      case 'ConditionalExpression':
        return ok(n.test) && ok(n.consequent) && ok(n.alternate);
      case 'ParenthesizedExpression':
        return ok(n.expression);
      // A property read as a value (cfg.retries) could read state that changes after init: refused.
      case 'CallExpression':
      case 'OptionalCallExpression':
      case 'NewExpression':
        return callee(n.callee) && n.arguments.every((a) => a.type !== 'SpreadElement' && a.type !== 'ArgumentPlaceholder' && ok(a));
      case 'Identifier': {
        if (known.has(n.name)) {
          deps.add(n.name);
          return true;
        }
        const b = program.scope.getBinding(n.name);
        if (!b) return PRIMITIVE_GLOBALS.has(n.name);
        if (b.kind === 'hoisted' && b.path.isFunctionDeclaration() && !b.constantViolations.length) return true;
        return isPrimitiveConst(n.name, program, start);
      }
      default:
        return false;
    }
  };
  /** What is called: an import or earlier value, a static property path on one, or a call's result. */
  const callee = (c: t.Node): boolean => {
    if (c.type === 'Identifier') {
      if (!known.has(c.name)) return false;
      deps.add(c.name);
      return true;
    }
    if (c.type === 'MemberExpression' || c.type === 'OptionalMemberExpression')
      return (!c.computed ? c.property.type === 'Identifier' : c.property.type === 'StringLiteral') && callee(c.object);
    if (c.type === 'CallExpression' || c.type === 'OptionalCallExpression' || c.type === 'NewExpression') return ok(c);
    if (c.type === 'ParenthesizedExpression') return callee(c.expression);
    return false;
  };
  if (init.type !== 'NewExpression' && init.type !== 'CallExpression') return;
  if (!ok(init) || readsContext(init) || !deps.size) return;
  return deps;
}

/** The root name of `x` / `x.a.b` / `x['a']` when it is one of `roots`. */
function staticReadRoot(n: t.Node, roots: Set<string>): string | undefined {
  if (n.type === 'Identifier') return roots.has(n.name) ? n.name : undefined;
  if (n.type === 'MemberExpression' && (!n.computed || n.property.type === 'StringLiteral')) return staticReadRoot(n.object, roots);
}

/**
 * Module-scope single-declarator const/let statements whose initialiser may run at first use instead:
 * calls into packages (deferrableDeps), and property reads of a deferrable built-in (`builtinNames`),
 * also destructured (`const { constants } = http2`).
 */
function collectValues(
  program: NodePath<t.Program>,
  importNames: Set<string>,
  builtinNames: Set<string>,
): Omit<ValueSiteInfo, 'usage' | 'usageReason' | 'refs'>[] {
  const known = new Set(importNames);
  const builtinRoots = new Set(builtinNames);
  const out: Omit<ValueSiteInfo, 'usage' | 'usageReason' | 'refs'>[] = [];
  for (const stmt of program.node.body) {
    if (stmt.type !== 'VariableDeclaration' || stmt.kind === 'var' || stmt.declarations.length !== 1) continue;
    const d = stmt.declarations[0];
    if (!d.init) continue;
    const root = staticReadRoot(d.init, builtinRoots);
    let value: Omit<ValueSiteInfo, 'usage' | 'usageReason' | 'refs'>;
    if (root !== undefined && (d.id.type === 'Identifier' || (d.id.type === 'ObjectPattern' && !unsupportedPattern(d.id)))) {
      const names = patternNames(d.id);
      value = {
        name: d.id.type === 'Identifier' ? d.id.name : `{ ${names.join(', ')} }`,
        names,
        line: line(d),
        statement: stmt,
        init: d.init,
        deps: [root],
        builtinRead: true,
      };
      if (d.id.type === 'ObjectPattern') value.pattern = d.id;
    } else {
      if (d.id.type !== 'Identifier') continue;
      const deps = deferrableDeps(d.init, program, known, stmt.start!);
      if (!deps) continue;
      value = { name: d.id.name, names: [d.id.name], line: line(d), statement: stmt, init: d.init, deps: [...deps] };
    }
    if (value.names.some((n) => known.has(n))) continue;
    const bindings = value.names.map((n) => program.scope.getBinding(n));
    // A self-reference would re-enter the getter while it constructs.
    if (bindings.some((b) => !b || b.constantViolations.length || b.referencePaths.some((r) => r.node.start! >= d.init!.start! && r.node.end! <= d.init!.end!)))
      continue;
    for (const n of value.names) {
      known.add(n);
      if (value.builtinRead) builtinRoots.add(n);
    }
    out.push(value);
  }
  return out;
}

/** "line 3" / "lines 3, 7, …" (at most five). */
const lineList = (lines: number[]): string => `line${lines.length > 1 ? 's' : ''} ${lines.slice(0, 5).join(', ')}${lines.length > 5 ? ', …' : ''}`;

/** The property a reference reads (`x.name` as a value or in `(0, x.name)(…)`), or undefined for any other use. */
function readProperty(ref: NodePath<t.Identifier>): string | undefined {
  const m = ref.parent;
  if ((m.type !== 'MemberExpression' && m.type !== 'OptionalMemberExpression') || m.object !== ref.node) return;
  const name = propName(m);
  if (name === undefined || name === '__esModule') return;
  const up = ref.parentPath!.parent;
  // Written, deleted, or called as a method (`this` would be the module object).
  if ((up.type === 'AssignmentExpression' && up.left === m) || up.type === 'UpdateExpression' || (up.type === 'UnaryExpression' && up.operator === 'delete'))
    return;
  if ((up.type === 'CallExpression' || up.type === 'OptionalCallExpression') && up.callee === m) return;
  if ((up.type === 'TaggedTemplateExpression' && up.tag === m) || up.type === 'Decorator') return;
  if ((up.type === 'ForInStatement' || up.type === 'ForOfStatement') && up.left === m) return;
  // A destructuring target (`[x.a] = …`, `({ k: x.a } = …)`).
  if (up.type === 'ArrayPattern' || up.type === 'RestElement' || (up.type === 'AssignmentPattern' && up.left === m)) return;
  if (up.type === 'ObjectProperty' && up.value === m && ref.parentPath!.parentPath!.parent.type === 'ObjectPattern') return;
  return name;
}

/** Analyses one file; the internal shape shared with the lazy rewriter. */
export function analyzeFile(file: string, code: string, opts: AnalyzeOptions = {}): FileBindings {
  const parsed = parseJs(code, opts.isESM, opts.parse);
  let program!: NodePath<t.Program>;
  const names = new Set<string>();
  const edges = new Map<Unit, Trigger[]>(); // target unit → triggers
  const parents = new Map<t.Node, t.Node>();
  let evalLine = 0;
  const addEdge = (to: t.Node, tr: Trigger) => {
    const l = edges.get(to);
    if (l) l.push(tr);
    else edges.set(to, [tr]);
  };

  const onCall = (path: NodePath<t.CallExpression | t.OptionalCallExpression | t.NewExpression | t.TaggedTemplateExpression>) => {
    const node = path.node;
    const calleeKey = node.type === 'TaggedTemplateExpression' ? 'tag' : 'callee';
    const calleePath = path.get(calleeKey) as NodePath;
    if (calleePath.isIdentifier({ name: 'eval' }) && !path.scope.getBinding('eval')) evalLine ||= line(node);
    const targets = calleeTargets(calleePath, node.type === 'NewExpression');
    const callee = unparen(calleePath.node);
    const registration =
      ((callee.type === 'MemberExpression' || callee.type === 'OptionalMemberExpression') && REGISTRATION_METHODS.has(propName(callee) ?? '')) ||
      (callee.type === 'Identifier' && REGISTRATION_FUNCTIONS.has(callee.name));
    const args = node.type === 'TaggedTemplateExpression' ? [] : node.arguments;
    const argTargets = registration ? [] : args.flatMap((a) => argumentTargets(a, path.scope));
    if (!targets.length && !argTargets.length) return;
    const from = unitOf(path);
    const label = calleeLabel(calleePath.node);
    const how =
      node.type === 'NewExpression'
        ? `instantiated (new ${label}) at line ${line(node)}`
        : isFn(callee)
          ? `immediately invoked at line ${line(node)}`
          : `called (${label}) at line ${line(node)}`;
    for (const u of targets) addEdge(u, { from, how, line: line(node) });
    for (const u of argTargets) addEdge(u, { from, how: `passed as a callback to ${label}() at line ${line(node)}`, line: line(node) });
  };

  traverse(parsed.ast, {
    Program(p) {
      program = p;
    },
    Identifier(p) {
      names.add(p.node.name);
    },
    'CallExpression|OptionalCallExpression|NewExpression|TaggedTemplateExpression'(p: NodePath) {
      onCall(p as NodePath<t.CallExpression>);
    },
    'Function|Class'(p: NodePath) {
      parents.set(p.node, p.parent);
      // A subclass constructor runs its local superclass's constructor and field initialisers.
      if (p.isClass() && p.node.superClass) {
        const sup = unparen(p.node.superClass);
        const v = sup.type === 'Identifier' ? bindingValue(p.scope.getBinding(sup.name)) : sup;
        if (isClass(v)) addEdge(v, { from: p.node, how: `superclass of ${p.node.id?.name ?? 'a class'}`, line: line(p.node) });
      }
    },
  });

  // Reachability from the program: the units that run while the module evaluates.
  const running = new Map<Unit, Trigger | null>([[program.node, null]]);
  const triggered = new Map<Unit, Unit[]>();
  for (const [to, trs] of edges)
    for (const tr of trs) {
      const l = triggered.get(tr.from);
      if (l) l.push(to);
      else triggered.set(tr.from, [to]);
    }
  const queue: Unit[] = [program.node];
  while (queue.length) {
    const u = queue.shift()!;
    for (const v of triggered.get(u) ?? []) {
      if (running.has(v)) continue;
      running.set(v, edges.get(v)!.find((tr) => tr.from === u)!);
      queue.push(v);
    }
  }
  const whyRuns = (u: Unit): string => {
    const tr = running.get(u);
    return tr ? `${tr.how}${tr.from.type === 'Program' ? '' : ` in ${describeUnit(tr.from, parents)}`}` : '';
  };

  const raw = collectSites(program, parsed.isESM);

  // Lazy values: usage by the same rule as imports, except that a reference inside the initialiser of a
  // value that is itself deferred does not run at init. Values only depend on earlier ones, so one pass
  // in source order, then a recheck until nothing flips to 'init', settles it.
  // Only what comes from packages: a call into the app's own modules may read or change app state.
  const fromPackages = raw.filter((r) => r.kind !== 'side-effect' && !/^(?:\.|\/|node:)/.test(r.specifier) && !isBuiltinSpecifier(r.specifier));
  // Built-ins: only property reads (calling one later could do something else, e.g. child_process).
  const builtins = raw.filter((r) => r.kind !== 'side-effect' && r.kind !== 'esm-namespace' && isDeferrableBuiltin(r.specifier));
  const candidates = collectValues(program, new Set(fromPackages.flatMap((r) => r.names)), new Set(builtins.flatMap((r) => r.names)));
  // Optimistic start: every candidate deferred; classifying only ever moves one away from 'deferred'.
  const values: ValueSiteInfo[] = candidates.map((c) => ({ ...c, usage: 'deferred', usageReason: '', refs: [] }));
  const holder = (ref: NodePath): ValueSiteInfo | undefined => values.find((v) => ref.node.start! >= v.init.start! && ref.node.end! <= v.init.end!);
  const isLater = (v: ValueSiteInfo) => v.usage === 'deferred';
  const initRef = (ref: NodePath): boolean => {
    const v = holder(ref);
    return v ? !isLater(v) : running.has(unitOf(ref));
  };
  const classifyValue = (v: ValueSiteInfo): void => {
    v.refs = v.names.flatMap((n) => program.scope.getBinding(n)!.referencePaths as NodePath<t.Identifier>[]);
    const set = (usage: BindingUsage, reason: string) => {
      v.usage = usage;
      v.usageReason = reason;
    };
    if (evalLine) return set('unknown', `direct eval at line ${evalLine} may read it`);
    const odd = v.refs.map(unknownUse).find(Boolean);
    if (odd) return set('unknown', odd);
    // Never referenced: its construction may be the point (a server, a registration); left as it is.
    if (!v.refs.length) return set('unused', 'never referenced: built at init as written, in case building it is what matters');
    const at = v.refs.find(initRef);
    if (at) {
      const u = unitOf(at);
      const inValue = holder(at);
      return set(
        'init',
        inValue
          ? `read by ${inValue.name} (line ${inValue.line}), built at init`
          : u.type === 'Program'
            ? `referenced at top level, line ${line(at.node)}`
            : `referenced at line ${line(at.node)} in ${describeUnit(u, parents)}, which runs at init: ${whyRuns(u)}`,
      );
    }
    // What it reads must be read by nothing but lazy values: then no other code can run between init
    // and its first use that sees (or changes) what building it does to them. Reading a built-in's
    // property does nothing to it.
    if (!v.builtinRead)
      for (const d of v.deps) {
        const other = (program.scope.getBinding(d)?.referencePaths ?? []).find((r) => {
          const h = holder(r);
          return !h || !isLater(h);
        });
        if (other)
          return set('init', `${d} is also used outside lazy values (line ${line(other.node)}): building ${v.name} later could change what that code sees`);
      }
    const lines = [...new Set(v.refs.map((ref) => line(ref.node)))];
    set('deferred', `referenced only after init (${lineList(lines)})`);
  };
  for (let changed = true; changed; ) {
    changed = false;
    for (const v of values) {
      const was = isLater(v);
      classifyValue(v);
      if (was && !isLater(v)) changed = true;
    }
  }

  const sites: SiteInfo[] = raw.map((r, index) => {
    const refs: Record<string, NodePath<t.Identifier>[]> = {};
    const violations: NodePath[] = [];
    for (const name of r.names) {
      const b = program.scope.getBinding(name);
      refs[name] = (b?.referencePaths ?? []) as NodePath<t.Identifier>[];
      // A `var` redeclaration of the same name is also a violation: the name may hold something else.
      violations.push(...(b?.constantViolations ?? []));
    }
    const all = Object.values(refs)
      .flat()
      .sort((a, b) => a.node.start! - b.node.start!);
    const site: BindingSite = {
      id: `${file}#${index}`,
      file,
      specifier: r.specifier,
      kind: r.kind,
      names: r.names,
      start: r.start,
      end: r.end,
      line: r.line,
      usage: 'unused',
      usageReason: 'never referenced',
      refCount: all.length,
    };
    const set = (usage: BindingUsage, reason: string) => {
      site.usage = usage;
      site.usageReason = reason;
    };
    if (r.forced) set(r.forced.usage, r.forced.reason);
    else if (violations.length) set('unknown', `reassigned at line ${Math.min(...violations.map((v) => line(v.node)))}`);
    else if (evalLine && r.names.length) set('unknown', `direct eval at line ${evalLine} may read it`);
    else {
      const odd = all.map(unknownUse).find(Boolean);
      if (odd) set('unknown', odd);
      else if (all.length) {
        const first = all.find(initRef);
        if (first) {
          const u = unitOf(first);
          const inValue = holder(first);
          set(
            'init',
            inValue
              ? `read by ${inValue.name} (line ${inValue.line}), built at init: ${inValue.usageReason}`
              : u.type === 'Program'
                ? `referenced at top level, line ${line(first.node)}`
                : `referenced at line ${line(first.node)} in ${describeUnit(u, parents)}, which runs at init: ${whyRuns(u)}`,
          );
        } else {
          const lines = [...new Set(all.filter((ref) => !holder(ref)).map((ref) => line(ref.node)))];
          const via = [
            ...new Set(
              all
                .map(holder)
                .filter((v): v is ValueSiteInfo => !!v)
                .map((v) => `${v.name} (line ${v.line})`),
            ),
          ];
          set(
            'deferred',
            [
              lines.length ? `referenced only inside functions not run at init (${lineList(lines)})` : '',
              via.length ? `read at init only to build ${via.join(', ')}, which ${via.length > 1 ? 'are' : 'is'} used only after init (lazy value)` : '',
            ]
              .filter(Boolean)
              .join('; '),
          );
        }
      }
    }
    if (parsed.isESM) site.allRefsInAsync = r.kind !== 'side-effect' && all.every(inAsyncBody);
    if (r.kind === 'cjs-require' && all.length) {
      const props = all.map(readProperty);
      if (props.every((p): p is string => p !== undefined)) site.props = [...new Set(props)].sort();
    }
    // `const { a, b: c } = require('m')`: the keys are the names read (once, at first use).
    if (r.kind === 'cjs-destructure' && !r.forced && r.info.declarator?.id.type === 'ObjectPattern') {
      const keys = r.info.declarator.id.properties.map((p) =>
        p.type === 'ObjectProperty' && !p.computed && p.value.type === 'Identifier'
          ? p.key.type === 'Identifier'
            ? p.key.name
            : p.key.type === 'StringLiteral'
              ? p.key.value
              : undefined
          : undefined,
      );
      if (keys.length && keys.every((k): k is string => k !== undefined && k !== '__esModule')) site.props = [...new Set(keys)].sort();
    }
    return { site, ...r.info, refs };
  });
  return { parsed, program, sites, values, names };
}

/**
 * Sites of every module-scope import binding statement in `code`, with their init-time usage.
 * A file that does not parse yields no sites and `error` (the caller keeps it eager with FL101).
 */
export function analyzeBindings(file: string, code: string, opts: AnalyzeOptions = {}): { sites: BindingSite[]; error?: string } {
  try {
    return { sites: analyzeFile(file, code, opts).sites.map((s) => s.site) };
  } catch (e) {
    return { sites: [], error: e instanceof Error ? e.message : String(e) };
  }
}

/**
 * Barrel files: a CommonJS module that only re-exports other modules (date-fns's index.cjs: 245
 * `export *` blocks as Babel writes them; TypeScript's `__exportStar(require("./x"), exports)` and
 * `Object.defineProperty(exports, "v5", { get: function () { return x.default; } })`). Loading the barrel
 * loads every module behind it; a consumer that reads only a few names can load only the modules that
 * define them (Next.js's optimizePackageImports does the same). This file answers, for one barrel, which
 * module defines each name — or why it cannot tell (then nothing is narrowed).
 */
import type * as t from '@babel/types';
import { parserFor, type JsParser } from '../../../io/index.js';

/** Where a re-exported name comes from: the module file and its own export name. */
export interface BarrelExport {
  file: string;
  name: string;
}

export type BarrelMap = Map<string, BarrelExport>;

// Barrels are CommonJS: read as scripts whatever their syntax says.
const parseCjs = (parse: JsParser): t.File | undefined => parse('script').ast;

const isId = (n: t.Node | null | undefined, name?: string): n is t.Identifier => n?.type === 'Identifier' && (name === undefined || n.name === name);
const isMember = (n: t.Node | null | undefined, obj: string, prop: string): boolean =>
  n?.type === 'MemberExpression' && isId(n.object, obj) && !n.computed && isId(n.property, prop);
const keyName = (n: t.Node): string | undefined => (n.type === 'StringLiteral' ? n.value : undefined);

/** `require("./x")` with a literal relative specifier. */
function relativeRequire(n: t.Node | null | undefined): string | undefined {
  if (n?.type !== 'CallExpression' || !isId(n.callee, 'require') || n.arguments.length !== 1) return;
  const a = n.arguments[0];
  return a.type === 'StringLiteral' && a.value.startsWith('.') ? a.value : undefined;
}

/** `Object.defineProperty(exports, "__esModule", { value: true })` / `exports.__esModule = true`. */
function isEsModuleMarker(s: t.Statement): boolean {
  if (s.type !== 'ExpressionStatement') return false;
  const e = s.expression;
  if (e.type === 'AssignmentExpression') return isMember(e.left, 'exports', '__esModule');
  return (
    e.type === 'CallExpression' &&
    isMember(e.callee, 'Object', 'defineProperty') &&
    isId(e.arguments[0], 'exports') &&
    keyName(e.arguments[1] as t.Node) === '__esModule'
  );
}

/** TypeScript's `exports.a = exports.b = void 0;` before the re-exports define them. */
function isVoidExports(s: t.Statement): boolean {
  if (s.type !== 'ExpressionStatement') return false;
  let e: t.Expression = s.expression;
  while (e.type === 'AssignmentExpression' && e.operator === '=' && e.left.type === 'MemberExpression' && isId(e.left.object, 'exports')) e = e.right;
  return e !== s.expression && e.type === 'UnaryExpression' && e.operator === 'void';
}

/** `Object.keys(_x).forEach(function (key) { … Object.defineProperty(exports, key, { get … return _x[key] }) })`: Babel's export *. */
function starOf(s: t.Statement): string | undefined {
  if (s.type !== 'ExpressionStatement' || s.expression.type !== 'CallExpression') return;
  const c = s.expression;
  if (c.callee.type !== 'MemberExpression' || !isId(c.callee.property, 'forEach')) return;
  const keys = c.callee.object;
  if (keys.type !== 'CallExpression' || !isMember(keys.callee, 'Object', 'keys') || !isId(keys.arguments[0])) return;
  const fn = c.arguments[0];
  if (fn?.type !== 'FunctionExpression' && fn?.type !== 'ArrowFunctionExpression') return;
  const body = JSON.stringify(fn.body, (k, v) => (k === 'loc' || k === 'start' || k === 'end' || k === 'extra' ? undefined : v));
  // The block must define exports[key] from the same module object, and nothing else.
  if (!body.includes('"name":"defineProperty"') || !body.includes(`"name":"${(keys.arguments[0] as t.Identifier).name}"`)) return;
  return (keys.arguments[0] as t.Identifier).name;
}

/** `Object.defineProperty(exports, "name", { enumerable: true, get: function () { return _x.orig; } })`. */
function namedOf(s: t.Statement): { name: string; local: string; orig: string } | undefined {
  if (s.type !== 'ExpressionStatement' || s.expression.type !== 'CallExpression') return;
  const c = s.expression;
  if (!isMember(c.callee, 'Object', 'defineProperty') || !isId(c.arguments[0], 'exports')) return;
  const name = keyName(c.arguments[1] as t.Node);
  const desc = c.arguments[2];
  if (name === undefined || desc?.type !== 'ObjectExpression') return;
  for (const p of desc.properties) {
    const fn = p.type === 'ObjectMethod' && isId(p.key, 'get') ? p : p.type === 'ObjectProperty' && isId(p.key, 'get') ? p.value : undefined;
    if (!fn || (fn.type !== 'ObjectMethod' && fn.type !== 'FunctionExpression' && fn.type !== 'ArrowFunctionExpression')) continue;
    const ret =
      fn.body.type === 'BlockStatement'
        ? fn.body.body.length === 1 && fn.body.body[0].type === 'ReturnStatement'
          ? fn.body.body[0].argument
          : undefined
        : fn.body;
    if (ret?.type === 'MemberExpression' && isId(ret.object) && !ret.computed && isId(ret.property))
      return { name, local: ret.object.name, orig: ret.property.name };
  }
}

/**
 * Names a module defines as plain CommonJS exports (`exports.x = …`, `Object.defineProperty(exports, "x", …)`
 * at top level), or undefined when it may define others we cannot see (`module.exports =`, computed keys,
 * its own re-exports).
 */
export function ownExports(code: string, parse: JsParser = parserFor(code)): Set<string> | undefined {
  const ast = parseCjs(parse);
  if (!ast) return;
  const names = new Set<string>();
  if (/\bmodule\.exports\b/.test(code)) return;
  for (const s of ast.program.body) {
    // Its own `export *`: names we cannot list without following it (not done).
    if (starOf(s) !== undefined) return;
    if (s.type === 'ExpressionStatement' && s.expression.type === 'CallExpression' && isId(s.expression.callee, '__exportStar')) return;
    if (s.type !== 'ExpressionStatement') continue;
    let e: t.Expression = s.expression;
    // exports.a = exports.b = void 0;
    while (e.type === 'AssignmentExpression' && e.left.type === 'MemberExpression' && isId(e.left.object, 'exports')) {
      const k = !e.left.computed && isId(e.left.property) ? e.left.property.name : keyName(e.left.property);
      if (k === undefined) return;
      names.add(k);
      e = e.right;
    }
    if (e.type === 'CallExpression' && isMember(e.callee, 'Object', 'defineProperty') && isId(e.arguments[0], 'exports')) {
      const k = keyName(e.arguments[1] as t.Node);
      if (k === undefined) return;
      names.add(k);
    }
  }
  // Any other write to `exports` (exports[k] = …, a helper) means names we did not see.
  const writes = code.match(/\bexports(?:\.[\w$]+|\[[^\]]*\])\s*=(?!=)/g)?.length ?? 0;
  const seen = code.match(/\bexports(?:\.[\w$]+|\["[^"]*"\]|\['[^']*'\])\s*=(?!=)/g)?.length ?? 0;
  if (writes !== seen) return;
  names.delete('__esModule');
  return names;
}

export interface BarrelInput {
  code: string;
  /** Resolves a relative specifier of the barrel to a file (undefined: unresolved). */
  resolve: (specifier: string) => string | undefined;
  readSource: (file: string) => string | undefined;
  /** The barrel's own file, for `parser`. */
  file?: string;
  /** The run's shared parse of a file's text (JobIO.jsParser); default: a parse of the text of its own. */
  parser?: (file: string, code: string) => JsParser;
}

/** Name → defining module for a barrel; undefined when the file is not a barrel we can read exactly. */
export function barrelExports(input: BarrelInput): BarrelMap | undefined {
  const parserOf = (file: string | undefined, code: string) => (file !== undefined && input.parser ? input.parser(file, code) : parserFor(code));
  const ast = parseCjs(parserOf(input.file, input.code));
  if (!ast) return;
  const locals = new Map<string, string>(); // local var → file
  const map: BarrelMap = new Map();
  const ambiguous = new Set<string>();
  const add = (name: string, e: BarrelExport) => {
    if (name === 'default' || name === '__esModule') return;
    const prev = map.get(name);
    if (prev && (prev.file !== e.file || prev.name !== e.name)) ambiguous.add(name);
    else map.set(name, e);
  };
  const star = (file: string): boolean => {
    const src = input.readSource(file);
    const names = src === undefined ? undefined : ownExports(src, parserOf(file, src));
    if (!names) return false;
    for (const n of names) add(n, { file, name: n });
    return true;
  };
  for (const s of ast.program.body) {
    if (s.type === 'ExpressionStatement' && s.expression.type === 'StringLiteral') continue; // 'use strict'
    if (isEsModuleMarker(s) || isVoidExports(s)) continue;
    const spec =
      s.type === 'VariableDeclaration' && s.declarations.length === 1 && isId(s.declarations[0].id) ? relativeRequire(s.declarations[0].init) : undefined;
    if (s.type === 'VariableDeclaration' && spec !== undefined) {
      const file = input.resolve(spec);
      if (!file) return;
      locals.set((s.declarations[0].id as t.Identifier).name, file);
      continue;
    }
    const starLocal = starOf(s);
    if (starLocal !== undefined) {
      const file = locals.get(starLocal);
      if (!file || !star(file)) return;
      continue;
    }
    // TypeScript: __exportStar(require("./x"), exports);
    if (
      s.type === 'ExpressionStatement' &&
      s.expression.type === 'CallExpression' &&
      isId(s.expression.callee, '__exportStar') &&
      isId(s.expression.arguments[1], 'exports')
    ) {
      const spec = relativeRequire(s.expression.arguments[0]);
      const file = spec === undefined ? undefined : input.resolve(spec);
      if (!file || !star(file)) return;
      continue;
    }
    const named = namedOf(s);
    if (named) {
      const file = locals.get(named.local);
      if (!file) return;
      add(named.name, { file, name: named.orig });
      continue;
    }
    // TypeScript's helper definitions (var __createBinding = …) are allowed; anything else is code.
    if (
      s.type === 'VariableDeclaration' &&
      s.declarations.every((d) => isId(d.id) && /^__(?:createBinding|exportStar|importDefault|importStar|setModuleDefault)$/.test(d.id.name))
    )
      continue;
    return;
  }
  for (const n of ambiguous) map.delete(n);
  return map.size ? map : undefined;
}

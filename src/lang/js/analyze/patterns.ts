import path from 'node:path';
import type * as t from '@babel/types';

/**
 * Static evaluation of path-like string expressions (nft's known / partly known / unknown, in
 * small): `'./locale/' + name`, `` `./x/${y}.js` ``, `path.join(__dirname, 'tpl', x)`,
 * `new URL('./a', import.meta.url)`. A value is one string in which two sentinel characters stand
 * for what is not a literal: DIR (only at the start) is the directory of the file being analysed,
 * WILD is any text (possibly containing '/'). `undefined` means "nothing is known".
 *
 * Limits (widening, never guessing): middle literal parts between two unknowns are dropped when a
 * value becomes a prefix*suffix pattern; process.cwd(), array joins, string methods and values
 * flowing through functions are unknown; only bindings that are never reassigned are followed.
 */
export const DIR = '\u0001';
export const WILD = '\u0002';

const MAX_DEPTH = 6;
const PATH_MODULES = new Set(['path', 'node:path', 'path/posix', 'node:path/posix', 'upath', 'pathe']);
const URL_MODULES = new Set(['url', 'node:url']);
const INTEROP = /^(__importDefault|__importStar|__toESM|_interopRequireDefault\d*|_interopRequireWildcard\d*)$/;

/** What an identifier refers to, as far as evaluation cares. `undefined` from lookup = a global. */
export type BindingInfo =
  | { type: 'var'; init?: t.Node; constant: boolean }
  | { type: 'import'; source: string; imported: string } // imported: 'default' | '*' | a name
  | { type: 'destructure'; init?: t.Node; key: string } // const { join } = require('path')
  | { type: 'other' };

export interface Env {
  /** Basename of the analysed file (for __filename / import.meta.url). */
  base: string;
  lookup(id: t.Identifier): BindingInfo | undefined;
  /** Nodes that were evaluated as part of a larger expression (so not separate assets). */
  consumed: WeakSet<t.Node>;
}

function concat(a: string, b: string): string {
  const s = a + b;
  return s.includes(WILD + WILD) ? s.replace(/\u0002+/g, WILD) : s;
}

/** Evaluates `node` to a partial string, or undefined when nothing at all is known. */
export function evaluate(node: t.Node, env: Env, depth = 0, mark = true): string | undefined {
  if (depth > MAX_DEPTH) return undefined;
  if (mark) env.consumed.add(node);
  const ev = (n: t.Node) => evaluate(n, env, depth + 1, mark);
  switch (node.type) {
    case 'StringLiteral':
      return node.value.includes(DIR) || node.value.includes(WILD) ? undefined : node.value;
    case 'NumericLiteral':
      return String(node.value);
    case 'TemplateLiteral': {
      let s = '';
      node.quasis.forEach((q, i) => {
        s = concat(s, q.value.cooked ?? q.value.raw);
        if (i < node.expressions.length) s = concat(s, ev(node.expressions[i]) ?? WILD);
      });
      return s === WILD ? undefined : s;
    }
    case 'BinaryExpression': {
      if (node.operator !== '+') return undefined;
      const s = concat(ev(node.left) ?? WILD, ev(node.right) ?? WILD);
      return s === WILD ? undefined : dirOnlyAtStart(s);
    }
    case 'Identifier': {
      const b = env.lookup(node);
      if (!b) {
        if (node.name === '__dirname') return DIR;
        if (node.name === '__filename') return `${DIR}/${env.base}`;
        return undefined;
      }
      // Follow bindings that are never reassigned: `const dir = path.join(__dirname, 'locale')`.
      return b.type === 'var' && b.constant && b.init ? evaluate(b.init, env, depth + 1, false) : undefined;
    }
    case 'MemberExpression': {
      const prop = propName(node);
      if (isImportMeta(node.object)) {
        if (prop === 'dirname') return DIR;
        if (prop === 'filename' || prop === 'url') return `${DIR}/${env.base}`; // a file: URL, read as its path
        return undefined;
      }
      // new URL(…).pathname — the URL value is already held as a path
      return prop === 'pathname' && node.object.type === 'NewExpression' ? ev(node.object) : undefined;
    }
    case 'NewExpression':
      return evalNewUrl(node, env, ev);
    case 'CallExpression':
      return evalCall(node, env, ev);
    default:
      return undefined;
  }
}

/** DIR only means "this file's directory" at the start; anywhere else it is just unknown text. */
function dirOnlyAtStart(s: string): string {
  const i = s.indexOf(DIR, 1);
  return i < 0 ? s : s[0] + s.slice(1).replaceAll(DIR, WILD);
}

export function isImportMeta(node: t.Node): boolean {
  return node.type === 'MetaProperty' && node.meta.name === 'import' && node.property.name === 'meta';
}

export function propName(node: t.MemberExpression | t.OptionalMemberExpression): string | undefined {
  if (!node.computed && node.property.type === 'Identifier') return node.property.name;
  if (node.property.type === 'StringLiteral') return node.property.value;
  return undefined;
}

function evalNewUrl(node: t.NewExpression, env: Env, ev: (n: t.Node) => string | undefined): string | undefined {
  const callee = node.callee;
  const isUrl =
    (callee.type === 'Identifier' && callee.name === 'URL' && !env.lookup(callee)) || (callee.type === 'MemberExpression' && propName(callee) === 'URL');
  if (!isUrl || node.arguments.length !== 2) return undefined;
  const base = ev(node.arguments[1]);
  if (!base?.startsWith(DIR)) return undefined;
  const relUrl = ev(node.arguments[0]) ?? WILD;
  if (relUrl.startsWith('/') || /^[a-z][a-z0-9+.-]*:/i.test(relUrl)) return undefined;
  return concat(dirnameOf(base) + '/', relUrl);
}

/** path.dirname on a partial value; an unknown tail keeps the known prefix (a wider answer). */
export function dirnameOf(s: string): string {
  const w = s.indexOf(WILD);
  if (w >= 0) return s.slice(0, w + 1);
  const i = s.lastIndexOf('/');
  if (i < 0) return s === DIR ? DIR + '/..' : '.';
  return i === 0 ? '/' : s.slice(0, i);
}

/** `require('path')` → 'path'; `require('path').posix` → 'path'. */
export function requiredModule(node: t.Node | null | undefined): string | undefined {
  if (!node) return undefined;
  if (node.type === 'CallExpression' && node.callee.type === 'Identifier' && node.callee.name === 'require') {
    const a = node.arguments[0];
    return a?.type === 'StringLiteral' ? a.value : undefined;
  }
  // TypeScript / Babel interop: __importDefault(require("path")), _interopRequireDefault(require("path"))
  if (node.type === 'CallExpression' && node.arguments.length === 1 && node.callee.type === 'Identifier' && INTEROP.test(node.callee.name))
    return requiredModule(node.arguments[0]);
  if (node.type === 'MemberExpression' && (propName(node) === 'posix' || propName(node) === 'default')) return requiredModule(node.object);
  return undefined;
}

/** Local names that conventionally hold the path module, for when the binding says nothing. */
function conventionalModule(name: string): string | undefined {
  if (/^_*(path|nodePath|pathModule|posix)\d*(_\d+)?$/i.test(name)) return 'path';
  if (/^_*(url|nodeUrl)\d*(_\d+)?$/.test(name)) return 'url';
  return undefined;
}

/** The module an object expression stands for: `path`, `path.posix`, `require('path')`, a default/namespace import. */
function objectModule(node: t.Node, env: Env): string | undefined {
  if (node.type === 'Identifier') {
    const b = env.lookup(node);
    if (b?.type === 'import' && (b.imported === 'default' || b.imported === '*')) return b.source;
    if (b?.type === 'var' && b.init) {
      const m = requiredModule(b.init);
      if (m) return m;
    }
    return conventionalModule(node.name);
  }
  if (node.type === 'MemberExpression') {
    const prop = propName(node);
    return prop === 'posix' || prop === 'default' ? objectModule(node.object, env) : undefined;
  }
  return requiredModule(node);
}

/** Which function of which module a call is: { module: 'path', fn: 'join' }. */
function calleeOf(node: t.CallExpression, env: Env): { module?: string; fn: string } | undefined {
  const callee = node.callee;
  if (callee.type === 'Identifier') {
    const b = env.lookup(callee);
    if (b?.type === 'import') return { module: b.source, fn: b.imported };
    if (b?.type === 'destructure') return { module: requiredModule(b.init), fn: b.key };
    return { fn: callee.name };
  }
  if (callee.type === 'MemberExpression') {
    const fn = propName(callee);
    return fn ? { module: objectModule(callee.object, env), fn } : undefined;
  }
  return undefined;
}

function evalCall(node: t.CallExpression, env: Env, ev: (n: t.Node) => string | undefined): string | undefined {
  const c = calleeOf(node, env);
  if (!c) return undefined;
  const args = node.arguments;
  if (c.fn === 'fileURLToPath' && (c.module === undefined || URL_MODULES.has(c.module))) return args[0] ? ev(args[0]) : undefined;
  if (c.module === undefined || !PATH_MODULES.has(c.module)) return undefined;
  switch (c.fn) {
    case 'join':
    case 'resolve': {
      const vals = args.map((a) => ev(a) ?? WILD);
      // resolve: the right-most absolute (or __dirname-rooted) argument starts the path; without one
      // the path is relative to process.cwd(), which is unknown here.
      let start = 0;
      if (c.fn === 'resolve') {
        start = -1;
        for (let i = vals.length - 1; i >= 0; i--) {
          if (vals[i].startsWith(DIR) || vals[i].startsWith('/')) {
            start = i;
            break;
          }
        }
        if (start < 0) return undefined;
      }
      const s = vals.slice(start).reduce((acc, v, i) => (i === 0 ? v : concat(concat(acc, '/'), v)), '');
      return s === WILD || s === '' ? undefined : dirOnlyAtStart(s);
    }
    case 'dirname': {
      const v = args[0] ? ev(args[0]) : undefined;
      return v === undefined ? undefined : dirnameOf(v);
    }
    case 'normalize':
      return args[0] ? ev(args[0]) : undefined;
    default:
      return undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// Turning values into specifiers and asset paths

export type Spec = { specifier: string } | { pattern: { prefix: string; suffix: string } } | { unknown: true };

/** Normalises the literal head of a DIR-rooted value into a './'-relative path. */
function rooted(s: string): string {
  const w = s.indexOf(WILD);
  let head = '.' + (w < 0 ? s.slice(1) : s.slice(1, w));
  const tail = w < 0 ? '' : s.slice(w);
  if (w >= 0 && (head === '.' || head.endsWith('/.') || head === '..' || head.endsWith('/..'))) head += '/';
  let n = path.posix.normalize(head);
  if (!n.startsWith('.') && !n.startsWith('/')) n = './' + n;
  else if (n === '.' && w >= 0) n = './';
  return n + tail;
}

/** A require/import argument value → literal specifier, prefix*suffix pattern, or unknown. */
export function toSpec(value: string | undefined): Spec {
  if (value === undefined) return { unknown: true };
  const s = value.startsWith(DIR) ? rooted(value) : value;
  const w = s.indexOf(WILD);
  if (w < 0) return { specifier: s };
  const prefix = s.slice(0, w);
  const suffix = s.slice(s.lastIndexOf(WILD) + 1);
  if (prefix === '' && suffix === '') return { unknown: true };
  return { pattern: { prefix, suffix } };
}

/**
 * A DIR-rooted value → asset path relative to the app root (the known directory when only part of
 * the path is known). Bare `__dirname` is not an asset: it names the code's own folder, which would
 * keep everything next to it.
 */
export function toAsset(value: string, file: string): { path: string; isDirectory?: boolean } | undefined {
  if (!value.startsWith(DIR) || value.length === 1) return undefined;
  const s = rooted(value);
  if (s === './' || s === '.') return undefined;
  const w = s.indexOf(WILD);
  const fileDir = path.posix.dirname(file);
  if (w >= 0) {
    const known = s.slice(0, w);
    const dir = known.slice(0, known.lastIndexOf('/') + 1);
    const p = path.posix.join(fileDir, dir || '.').replace(/(.)\/$/, '$1');
    return p.startsWith('..') || path.posix.isAbsolute(p) ? undefined : { path: p, isDirectory: true };
  }
  const p = path.posix.join(fileDir, s);
  return p.startsWith('..') || path.posix.isAbsolute(p) ? undefined : { path: p };
}

/**
 * Text of the code the lazy rewrite emits. Pure string functions, one line per transformation so the
 * rest of the file keeps its line numbers (stack traces still point at the user's lines).
 *
 * Every loader is a hoisted `function` plus a `var` cache: it works from any point of the module's
 * evaluation (no TDZ), loads once on success, and does not cache a failure — a throwing `require` leaves
 * the cache empty, so the next use calls `require` again exactly like plain code calling it again.
 */

/** How one bound name is read after the rewrite. `member` matters for `this` when it is called. */
export interface Access {
  text: string;
  member: boolean;
}

const IDENT = /^[A-Za-z_$][\w$]*$/;

/** `.name` or `["name"]`. */
export const prop = (name: string): string => (IDENT.test(name) ? `.${name}` : `[${JSON.stringify(name)}]`);
const key = (name: string): string => (IDENT.test(name) ? name : JSON.stringify(name));

/** One-line, comment-safe excerpt of the original statement for the `before:` note. */
export function beforeNote(original: string): string {
  const one = original.replace(/\s+/g, ' ').trim().replace(/\*\//g, '* /');
  return one.length > 120 ? one.slice(0, 117) + '…' : one;
}

export const comment = (what: string, original: string): string => `/* faaslight: lazy ${what} (before: ${beforeNote(original)}) */`;

// The two loader shapes, split around the expression they evaluate: the value loaders below put an
// expression between them, the lazy values keep their initialiser's text in place between them.
const valueHead = (getter: string, cache: string): string => `var ${cache}; function ${getter}() { if (!${cache}) ${cache} = { v: `;
const valueTail = (cache: string): string => ` }; return ${cache}.v; }`;
const patternHead = (getter: string, cache: string, pattern: string): string => `var ${cache}; function ${getter}() { if (!${cache}) { const ${pattern} = `;
const patternTail = (cache: string, names: string[]): string => `; ${cache} = { ${names.join(', ')} }; } return ${cache}; }`;
const valueNote = (name: string, original: string): string => `/* faaslight: lazy value ${name} (before: ${beforeNote(original)}) */ `;

/** Loader returning the value of `expr`, evaluated once on first success. */
export const valueLoader = (getter: string, cache: string, expr: string): string => `${valueHead(getter, cache)}${expr}${valueTail(cache)}`;

/**
 * A lazy value keeps its initialiser text in place between these two: `<prefix>new C(…)<suffix>`, so the
 * edits inside the initialiser (references to lazy imports) stay where they are.
 */
export const lazyValuePrefix = (getter: string, cache: string, name: string, original: string): string => valueNote(name, original) + valueHead(getter, cache);
export const lazyValueSuffix = valueTail;

/**
 * The same for `const { a, b } = <init>`: the pattern runs once at first use and its values are kept
 * (the original read them once, at init); each name is read as `<getter>().a`.
 */
export const lazyPatternPrefix = (getter: string, cache: string, name: string, original: string, pattern: string): string =>
  valueNote(name, original) + patternHead(getter, cache, pattern);
export const lazyPatternSuffix = patternTail;

/**
 * Loader for a barrel read by fixed names: an object whose getters read each name from the module that
 * defines it, at each read (the barrel's own getters are live too); only the modules read are loaded.
 */
export const narrowObject = (fields: { prop: string; request: string; name: string }[]): string =>
  `{ ${fields.map((f) => `get ${key(f.prop)}() { return require(${f.request})${prop(f.name)}; }`).join(', ')} }`;
export const narrowLoader = (getter: string, cache: string, fields: { prop: string; request: string; name: string }[]): string =>
  `var ${cache}; function ${getter}() { if (!${cache}) ${cache} = ${narrowObject(fields)}; return ${cache}; }`;

/**
 * Loader for a destructuring declaration: the original pattern runs once at first use and the values are
 * kept as a snapshot (the original read them once at init). Returns an object keyed by local names.
 */
export const destructureLoader = (getter: string, cache: string, pattern: string, expr: string, names: string[]): string =>
  `${patternHead(getter, cache, pattern)}${expr}${patternTail(cache, names)}`;

/**
 * Loader for an ESM import of a CommonJS module through createRequire: `default` is module.exports and
 * named imports are read from it at first use, once (Node's ESM wrapper also snapshots them).
 */
export const cjsNamedLoader = (getter: string, cache: string, requireExpr: string, imported: string[]): string => {
  const fields = [...new Set(imported)].map((n) => (n === 'default' ? 'default: m' : `${key(n)}: m${prop(n)}`));
  return `var ${cache}; function ${getter}() { if (!${cache}) { const m = ${requireExpr}; ${cache} = { ${fields.join(', ')} }; } return ${cache}; }`;
};

export const importThunk = (name: string, specifierSource: string): string => `function ${name}() { return import(${specifierSource}); }`;

export const createRequireHeader = (createRequire: string, req: string): string =>
  `import { createRequire as ${createRequire} } from 'node:module'; const ${req} = ${createRequire}(import.meta.url); `;

/** Newlines to append so a replacement spans as many lines as the original text. */
export function padLines(original: string, replacement: string): string {
  const count = (s: string) => s.split('\n').length - 1;
  return '\n'.repeat(Math.max(0, count(original) - count(replacement)));
}

/** Fresh identifiers that collide with no name in the file and no name handed out before. */
export function makeNamer(taken: Set<string>): (base: string) => string {
  const used = new Set(taken);
  return (base) => {
    const clean = base.replace(/[^\w$]/g, '_');
    let name = clean;
    for (let i = 2; used.has(name); i++) name = `${clean}${i}`;
    used.add(name);
    return name;
  };
}

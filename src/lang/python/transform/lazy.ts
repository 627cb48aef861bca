import { magicString } from '../../../util/magic-string.js';
import type { ImportDecision } from '../../../types.js';
import { scanPythonFile } from '../analyze/scan.js';

/** Python string literal for any text (JSON escapes are valid Python escapes). */
export function pyString(s: string): string {
  return JSON.stringify(s);
}

/** Python tuple literals of the binding specs of one statement: (name, kind, module, level, attribute). */
function specs(stmt: string): string[] | undefined {
  const out: string[] = [];
  for (const imp of scanPythonFile('stmt.py', stmt).imports) {
    const level = imp.module.length - imp.module.replace(/^\.+/, '').length;
    const mod = pyString(imp.module.slice(level));
    if (imp.kind === 'import') {
      out.push(`(${pyString(imp.bound[0])}, ${imp.aliased ? '"A"' : '"I"'}, ${mod}, 0, None)`);
    } else if (imp.kind === 'from') {
      for (const n of imp.names) out.push(`(${pyString(n.alias ?? n.name)}, "F", ${mod}, ${level}, ${pyString(n.name)})`);
    } else return undefined;
  }
  return out.length ? out : undefined;
}

/** Why the rewrite cannot make this statement lazy (undefined when it can): it handles plain import statements only. */
export function lazyImportBlocker(stmt: string, names: readonly string[]): string | undefined {
  const sp = specs(stmt);
  return !sp || sp.length !== names.length ? 'not a plain import statement: the rewrite leaves it as is' : undefined;
}

/**
 * Makes the import statements of lazy decisions lazy, editing only their ranges:
 *   import numpy as np   →  np = _fl_rt.lazy(globals(), "import numpy as np", 2, ("np", "A", "numpy", 0, None))
 *   from m import a, b   →  a, b = _fl_rt.lazy(globals(), "from m import a, b", 3, ("a", "F", "m", 0, "a"), ("b", …))
 * The stand-ins do what the statement's byte code does (__import__ + attribute, submodule fallback) at
 * the first attribute access or call, and rebind the real objects; on any error they run the original
 * statement so the exception is exactly the original one. A statement spanning several lines keeps its
 * line count (blank lines follow), so every other line keeps its number. Needs `_fl_rt` (shimStatement).
 */
export function rewritePythonLazy(code: string, decisions: ImportDecision[], ms = magicString(code)): { code: string; applied: string[]; sites: string[] } {
  const applied: string[] = [];
  const sites: string[] = [];
  for (const d of decisions) {
    if (d.decision !== 'lazy') continue;
    const { start, end, names, line } = d.site;
    const stmt = code.slice(start, end);
    const sp = specs(stmt);
    // The plan turned such statements eager (lazyImportBlocker): this one changed since.
    if (!sp || sp.length !== names.length) continue;
    const extraLines = (stmt.match(/\n/g) ?? []).length;
    const lhs = names.join(', ');
    ms.overwrite(start, end, `${lhs} = _fl_rt.lazy(globals(), ${pyString(stmt)}, ${line}, ${sp.join(', ')})${'\n'.repeat(extraLines)}`);
    applied.push(`line ${line}: ${stmt.replace(/\s+/g, ' ')} → lazy`);
    sites.push(d.site.id);
  }
  return { code: ms.toString(), applied, sites };
}

import MagicString from 'magic-string';
import type { ImportDecision } from '../../types.js';

/** Python string literal for any text (JSON escapes are valid Python escapes). */
export function pyString(s: string): string {
  return JSON.stringify(s);
}

/**
 * Makes the import statements of lazy decisions lazy, editing only their ranges:
 *   import numpy as np          →  np = _fl_rt.lazy(globals(), "import numpy as np", 2, "np")
 *   from m import a, b          →  a, b = _fl_rt.lazy(globals(), "from m import a, b", 3, "a", "b")
 * The stand-ins run the original statement at first attribute access or call and rebind the real
 * objects. A statement spanning several lines keeps its line count (blank lines follow), so every
 * other line keeps its number. Needs `_fl_rt` (see shimStatement).
 */
export function rewritePythonLazy(code: string, decisions: ImportDecision[], ms = new MagicString(code)): { code: string; applied: string[] } {
  const applied: string[] = [];
  for (const d of decisions) {
    if (d.decision !== 'lazy') continue;
    const { start, end, names, line } = d.site;
    const stmt = code.slice(start, end);
    const extraLines = (stmt.match(/\n/g) ?? []).length;
    const args = names.map(pyString).join(', ');
    const lhs = names.length === 1 ? names[0] : names.join(', ');
    ms.overwrite(start, end, `${lhs} = _fl_rt.lazy(globals(), ${pyString(stmt)}, ${line}, ${args})${'\n'.repeat(extraLines)}`);
    applied.push(`line ${line}: ${stmt.replace(/\s+/g, ' ')} → lazy`);
  }
  return { code: ms.toString(), applied };
}

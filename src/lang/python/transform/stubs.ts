import MagicString from 'magic-string';
import type { StubCandidate } from '../analyze/stubs.js';
import { pyString } from './lazy.js';

/**
 * Replaces the bodies of never-reached functions with stubs (FaaSLight's function-level rewriting):
 *
 *   @decorators (kept)                 @decorators (kept)
 *   def f(a, b=1, *args, c, **kw):  →  def f(a, b=1, *args, c, **kw):
 *       """doc"""                          """doc"""
 *       …body…                             return _fl_S.load("f", 12, 40)(a, b, *args, c=c, **kw)
 *
 * The header is kept verbatim, so defaults (evaluated once, at definition), annotations, keyword-only
 * parameters, `__name__`, `__qualname__`, `__module__` and `__doc__` are the originals. On first call the
 * shim finds the function object running the stub's code (where the def put it, through decorator
 * wrappers), compiles the original def from the module's original source (in the fallback store) and
 * assigns its code to that function, so the function's globals, every wrapper and every reference see
 * the original from then on. Generators forward with `yield from`, coroutines with `await`. The stub
 * takes no more lines than the original; blank lines pad it so later line numbers stay the same.
 */
export function stubPythonFunctions(
  file: string,
  code: string,
  fns: StubCandidate[],
  futures: string[] = [],
  ms = new MagicString(code),
): { code: string; stubbed: string[]; header?: string } {
  const stubbed: string[] = [];
  for (const fn of fns) {
    const bodyLineStart = code.lastIndexOf('\n', fn.bodyStart - 1) + 1;
    const bodyIndent = code.slice(bodyLineStart, fn.bodyStart);
    const call = `_fl_S.load(${pyString(fn.name)}, ${fn.line}, ${fn.endLine}${fn.cls ? `, ${pyString(fn.cls)}` : ''})(${fn.forward})`;
    const ret = fn.kind === 'generator' ? `return (yield from ${call})` : fn.kind === 'coroutine' ? `return await ${call}` : `return ${call}`;
    const doc = fn.docstring ? `${bodyIndent}${code.slice(fn.docstring[0], fn.docstring[1])}\n` : '';
    const header = code.slice(fn.headerStart, fn.headerEnd);
    const stub = `${header}\n${doc}${bodyIndent}${ret}`;
    const originalLines = fn.endLine - fn.line + 1;
    const stubLines = stub.split('\n').length;
    if (stubLines > originalLines) continue; // analysis guarantees room; never shift lines
    ms.overwrite(fn.headerStart, fn.bodyEnd, stub + '\n'.repeat(originalLines - stubLines));
    stubbed.push(`${file}:${fn.line}: ${fn.qualname} → stub`);
  }
  if (!stubbed.length) return { code, stubbed };
  const headerStmt = `_fl_S = _fl_rt.Stubs(globals(), ${pyString(file)}, (${futures.map((f) => `${pyString(f)}, `).join('')}))`;
  return { code: ms.toString(), stubbed, header: headerStmt };
}

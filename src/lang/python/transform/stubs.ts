import { magicString } from '../../../util/magic-string.js';
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
  ms = magicString(code),
): { code: string; stubbed: string[]; lines: number[]; header?: string } {
  const stubbed: string[] = [];
  const lines: number[] = [];
  for (const fn of fns) {
    const stub = stubText(code, fn);
    const originalLines = fn.endLine - fn.line + 1;
    const stubLines = stub.split('\n').length;
    // The plan keeps such functions whole (stubBlocker): this one changed since. Never shift lines.
    if (stubLines > originalLines) continue;
    ms.overwrite(fn.headerStart, fn.bodyEnd, stub + '\n'.repeat(originalLines - stubLines));
    stubbed.push(`${file}:${fn.line}: ${fn.qualname} → stub`);
    lines.push(fn.line);
  }
  if (!stubbed.length) return { code, stubbed, lines };
  const headerStmt = `_fl_S = _fl_rt.Stubs(globals(), ${pyString(file)}, (${futures.map((f) => `${pyString(f)}, `).join('')}))`;
  return { code: ms.toString(), stubbed, lines, header: headerStmt };
}

/** The stub's text: the original header, the docstring, one forwarding return. */
function stubText(code: string, fn: StubCandidate): string {
  const bodyLineStart = code.lastIndexOf('\n', fn.bodyStart - 1) + 1;
  const bodyIndent = code.slice(bodyLineStart, fn.bodyStart);
  const call = `_fl_S.load(${pyString(fn.name)}, ${fn.line}, ${fn.endLine}${fn.cls ? `, ${pyString(fn.cls)}` : ''})(${fn.forward})`;
  const ret = fn.kind === 'generator' ? `return (yield from ${call})` : fn.kind === 'coroutine' ? `return await ${call}` : `return ${call}`;
  const doc = fn.docstring ? `${bodyIndent}${code.slice(fn.docstring[0], fn.docstring[1])}\n` : '';
  return `${code.slice(fn.headerStart, fn.headerEnd)}\n${doc}${bodyIndent}${ret}`;
}

/** Why the stub cannot replace the function without shifting later lines (undefined when it can). */
export function stubBlocker(code: string, fn: StubCandidate): string | undefined {
  const need = stubText(code, fn).split('\n').length;
  const have = fn.endLine - fn.line + 1;
  return need > have ? `the stub needs ${need} lines and the function has ${have}: later line numbers would shift` : undefined;
}

// Plan step for what the Python rewrite will do, run before anything is written: a lazy import the
// rewrite cannot express turns eager here, with the reason, and every never-reached function the
// analysis found (src/lang/python/analyze/stubs.ts) gets a stub decision with its reason. The
// transform applies these decisions, re-checking each; what it could not apply is read from its
// result as data (site ids, stub lines) by the adapter (src/lang/python/index.ts).
import type { StubCandidate } from './analyze/stubs.js';
import type { ImportDecision, Plan, Reason, StubDecision } from '../../types.js';
import { lazyImportBlocker } from './transform/lazy.js';
import { stubBlocker } from './transform/stubs.js';

export function decidePythonRewrites(plan: Plan, candidates: readonly StubCandidate[], readSource: (file: string) => string | undefined): void {
  for (const d of plan.imports) {
    if (d.decision !== 'lazy') continue;
    const code = readSource(d.site.file);
    const why = code === undefined ? undefined : lazyImportBlocker(code.slice(d.site.start, d.site.end), d.site.names);
    if (why) Object.assign(d, { decision: 'eager', mechanism: undefined, reason: { code: 'not-rewritable', text: why, parent: d.site.file } satisfies Reason });
  }
  plan.stubs = candidates.map((c): StubDecision => {
    const code = readSource(c.file);
    const why = code === undefined ? 'source not readable' : stubBlocker(code, c);
    const base = { file: c.file, qualname: c.qualname, line: c.line, endLine: c.endLine, saved: c.saved };
    if (why) return { ...base, decision: 'keep', reason: { code: 'no-room', text: why, parent: c.file } };
    return {
      ...base,
      decision: 'stub',
      reason: { code: 'unreached-function', text: `${c.reason}: replaced by a stub that compiles the original at its first call`, parent: c.file },
    };
  });
}

/** The candidates the plan decided to stub, by file. */
export function stubsToApply(plan: Plan, candidates: readonly StubCandidate[]): Map<string, StubCandidate[]> {
  const want = new Set((plan.stubs ?? []).filter((s) => s.decision === 'stub').map((s) => `${s.file}:${s.line}`));
  const byFile = new Map<string, StubCandidate[]>();
  for (const c of candidates) if (want.has(`${c.file}:${c.line}`)) byFile.set(c.file, [...(byFile.get(c.file) ?? []), c]);
  return byFile;
}

/**
 * After the rewrite of `file`: its lazy imports and stubs it did not apply, with the reason (they stay
 * as written). `changed` false means the whole file was kept as is (`why`). Pure: the pipeline applies it.
 */
export function pythonNotApplied(
  plan: Plan,
  file: string,
  decisions: ImportDecision[],
  r: { changed: boolean; lazySites: string[]; stubbedLines: number[] },
  why: string,
): { imports: { decision: ImportDecision; reason: Reason }[]; stubs: { stub: StubDecision; reason: Reason }[] } {
  const reason = (text: string): Reason => ({ code: r.changed ? 'rewrite-skipped' : 'rewrite-failed', text: r.changed ? text : why, parent: file });
  const sites = new Set(r.changed ? r.lazySites : []);
  const imports = decisions
    .filter((d) => !sites.has(d.site.id))
    .map((decision) => ({ decision, reason: reason('the rewrite no longer finds a plain import statement here: left as is') }));
  const lines = new Set(r.changed ? r.stubbedLines : []);
  const stubs = (plan.stubs ?? [])
    .filter((s) => s.file === file && s.decision === 'stub' && !lines.has(s.line))
    .map((stub) => ({ stub, reason: reason('the rewrite found no room for the stub: kept whole') }));
  return { imports, stubs };
}

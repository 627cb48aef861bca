// The plan, made before anything is written: the language's import decisions (src/lang/<language>/imports.ts,
// through its adapter's `decide`) and the file decisions (./files.ts, with the language's FileRules).
import { diag } from '../diagnostics.js';
import type { Diagnostic, ImportDecision, Plan } from '../types.js';
import { decideFiles, type FileInput, type FileRules } from './files.js';

export { initClosure, edgeIndex, settleLoadedAnyway, revertToEager, lazyEdgesOf, type EdgeIndex } from './closure.js';
export { decideFiles, type FileRules, type FileInput } from './files.js';

export interface PlanInput extends FileInput {
  imports: ImportDecision[];
  fileRules: FileRules;
}

export function makePlan(input: PlanInput): Plan {
  const { files, disagreements } = decideFiles(input, input.fileRules);
  return { imports: input.imports, files, traceDisagreements: disagreements };
}

/**
 * FL201 for each import whose bindings are used only later but which stays eager, with the reason;
 * `statement` renders the import as the language writes it.
 */
export function keptEagerNotes(imports: readonly ImportDecision[], statement: (specifier: string) => string): Diagnostic[] {
  return imports
    .filter((d) => d.decision === 'eager' && d.site.usage === 'deferred')
    .map((d) =>
      diag('FL201', 'info', `${d.site.file}:${d.site.line} ${statement(d.site.specifier)} kept eager: ${d.reason.text}`, {
        file: d.site.file,
        line: d.site.line,
      }),
    );
}

// Plan step for what the lazy rewrite will do, run before anything is written: per file with lazy
// imports, the rewrite's own preparation (src/lang/js/transform) says which of them it can apply and
// which module-scope values (`const s3 = new S3Client(…)`) become lazy. A lazy import the rewrite
// cannot apply is turned eager here, with the reason, so the plan shows what will happen; the
// transform then applies the decisions and only re-checks them.
import { diag } from '../../diagnostics.js';
import type { Diagnostic, ImportDecision, Reason, ValueDecision } from '../../types.js';
import type { JsParser } from '../../io/index.js';
import { planRewrite } from './transform/index.js';

export interface DecideValuesInput {
  /** The plan's import decisions: lazy ones the rewrite cannot apply are turned eager in place. */
  imports: ImportDecision[];
  readSource: (file: string) => string | undefined;
  isESM: (file: string) => boolean | undefined;
  /** The run's shared parses (JobIO.jsParser); default: a parse of each file's code of its own. */
  parser?: (file: string, code: string) => JsParser;
  diagnostics: Diagnostic[];
  /** Also return the code each rewritten file will have (the bundle units are decided on it). */
  preview?: boolean;
}

export interface DecideValuesResult {
  values: ValueDecision[];
  /** With `preview`: file → its code after the rewrite (files the rewrite changes). */
  rewritten: Map<string, string>;
}

const toEager = (d: ImportDecision, reason: Reason) => Object.assign(d, { decision: 'eager', mechanism: undefined, reason });

export function decideValues(input: DecideValuesInput): DecideValuesResult {
  const byFile = new Map<string, ImportDecision[]>();
  for (const d of input.imports) if (d.decision === 'lazy') byFile.set(d.site.file, [...(byFile.get(d.site.file) ?? []), d]);
  const values: ValueDecision[] = [];
  const rewritten = new Map<string, string>();
  for (const [file, decisions] of byFile) {
    const code = input.readSource(file);
    // Unreadable now: the transform reads it again and reports what it finds.
    if (code === undefined) continue;
    let plan: ReturnType<typeof planRewrite>;
    try {
      plan = planRewrite(file, code, decisions, { isESM: input.isESM(file), preview: input.preview, parse: input.parser?.(file, code) });
    } catch (e) {
      for (const d of decisions) toEager(d, { code: 'parse-error', text: `the rewrite cannot parse the file: ${(e as Error).message}`, parent: file });
      input.diagnostics.push(diag('FL202', 'warning', `${file}: rewrite failed (${(e as Error).message}); file kept as is`, { file }));
      continue;
    }
    for (const s of plan.skipped) {
      const d = decisions.find((x) => x.site.id === s.id);
      if (d) toEager(d, { code: 'not-rewritable', text: s.reason, parent: file });
    }
    values.push(...plan.values);
    if (plan.code !== undefined && plan.code !== code) rewritten.set(file, plan.code);
  }
  return { values, rewritten };
}

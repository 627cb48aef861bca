// The JavaScript part of the plan stage that comes after the import and file decisions (src/plan):
// what the lazy rewrite will do to each file, its lazy values, and with --bundle the bundle units,
// all decided before anything is written. The transform and bundle stages apply these decisions.
import type { AnalyzedJob } from '../../job.js';
import { decideValues } from './decide-values.js';
import { decideUnits } from './bundle/index.js';

/** Adds the rewrite's decisions (plan.values, rewrites that cannot apply) and, with --bundle, plan.units. */
export function decideRewrites(job: AnalyzedJob): void {
  const { plan } = job;
  const bundle = job.options.bundle === true;
  const { values, rewritten } = decideValues({
    imports: plan.imports,
    readSource: job.readSource,
    isESM: (f) => job.graph.files[f]?.isESM,
    parser: job.io.jsParser,
    diagnostics: job.diagnostics,
    preview: bundle,
  });
  plan.values = values;
  // The units are decided on the code each file will have (the rewrite's createRequire header uses
  // import.meta, its loaders move requires), read in full as the bundle stage reads it.
  if (bundle) plan.units = decideUnits(job, plan.imports, (f) => rewritten.get(f) ?? job.readText(f), job.io.jsParser);
}

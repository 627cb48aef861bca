// The JavaScript part of the plan stage that comes after the import and file decisions (src/plan):
// what the lazy rewrite will do to each file, its lazy values, and with --bundle the bundle units,
// all decided before anything is written. The transform and bundle stages apply these decisions.
import fs from 'node:fs';
import type { Job } from '../../job.js';
import type { Plan } from '../../types.js';
import { abs } from '../../util/paths.js';
import { decideValues } from './decide-values.js';
import { decideUnits } from './bundle/index.js';

/** Adds the rewrite's decisions (plan.values, rewrites that cannot apply) and, with --bundle, plan.units. */
export function decideRewrites(job: Job, readSource: (file: string) => string | undefined, plan: Plan): Plan {
  const bundle = job.options.bundle === true;
  const { values, rewritten } = decideValues({
    imports: plan.imports,
    readSource,
    isESM: (f) => job.graph?.files[f]?.isESM,
    diagnostics: job.diagnostics,
    preview: bundle,
  });
  plan.values = values;
  if (bundle && job.app) {
    // The units are decided on the code each file will have (the rewrite's createRequire header uses
    // import.meta, its loaders move requires), read in full as the bundle stage reads it.
    const root = job.app.root;
    plan.units = decideUnits(job, plan.imports, (f) => rewritten.get(f) ?? fs.readFileSync(abs(root, f), 'utf8'));
  }
  return plan;
}

/**
 * After the rewrite of `file`: a lazy value it could not build at first use stays as written, with the
 * reason ('all': the whole file was kept as is).
 */
export function applyValueSkips(plan: Plan, file: string, skipped: { name: string; line: number; reason: string }[] | 'all', text = ''): boolean {
  let changed = false;
  for (const v of plan.values ?? []) {
    if (v.file !== file || v.decision !== 'lazy') continue;
    const s = skipped === 'all' ? { reason: text } : skipped.find((x) => x.name === v.name && x.line === v.line);
    if (!s) continue;
    Object.assign(v, { decision: 'eager', reason: { code: skipped === 'all' ? 'rewrite-failed' : 'rewrite-skipped', text: s.reason, parent: file } });
    changed = true;
  }
  return changed;
}

// Service times from faaslight's own measurements: a `measure --json` result, or any JSON that holds
// such results (a batch run). Warm service time = the warm invoke of a fresh instance (its second
// invoke; the first invoke's duration when there is none); cold = init + first invoke, as a caller
// of a new instance waits for it. Means, not medians: the model works with rates.
import { promises as fsp } from 'node:fs';
import { UsageError } from '../diagnostics.js';
import type { MeasureResult, PackageMeasurement } from '../measure/types.js';
import type { ServiceTimes } from './types.js';

function isMeasureResult(x: unknown): x is MeasureResult {
  const r = x as MeasureResult;
  return !!r && typeof r === 'object' && r.version === 1 && Array.isArray(r.packages) && r.packages.every((p) => p && typeof p === 'object' && 'summary' in p);
}

/** Every measurement result inside a JSON document, depth first. */
export function findMeasureResults(doc: unknown, out: MeasureResult[] = []): MeasureResult[] {
  if (isMeasureResult(doc)) out.push(doc);
  else if (Array.isArray(doc)) for (const x of doc) findMeasureResults(x, out);
  else if (doc && typeof doc === 'object') for (const x of Object.values(doc)) findMeasureResults(x, out);
  return out;
}

/** Which statistic of the runs feeds the model: the mean (what the model is defined on) or the
 * median (robust when a few runs were slowed by a busy machine). */
export type Stat = 'mean' | 'median';

export function serviceTimesOf(p: PackageMeasurement, source: string, stat: Stat = 'mean'): ServiceTimes {
  const s = p.summary;
  if (!s.initMs || !s.durationMs) throw new UsageError(`${source}: package ${p.label} (${p.input}) has no successful run to take times from`);
  const init = s.initMs[stat];
  const first = s.durationMs[stat];
  const warmMs = s.warmMs?.[stat] ?? first;
  return {
    label: p.label === 'A' ? 'original' : 'optimized',
    input: p.input,
    warm: warmMs / 1000,
    cold: (init + first) / 1000,
    init: init / 1000,
    source: `${source}: ${p.label} ${stat} init ${init} ms + first invoke ${first} ms; warm ${s.warmMs ? `invoke ${warmMs}` : `(no warm invoke) first invoke ${warmMs}`} ms over ${s.ok} run(s)`,
  };
}

/** Before (A) and, with an A/B measurement, after (B) service times from a results file. */
export async function serviceTimesFrom(file: string, pick?: string, stat: Stat = 'mean'): Promise<ServiceTimes[]> {
  let doc: unknown;
  try {
    doc = JSON.parse(await fsp.readFile(file, 'utf8'));
  } catch (e) {
    throw new UsageError(`cannot read measurement results from ${file}: ${(e as Error).message}`);
  }
  let found = findMeasureResults(doc);
  if (pick) found = found.filter((r) => r.packages.some((p) => p.input.includes(pick)));
  if (found.length === 0) throw new UsageError(`${file} holds no faaslight measure result${pick ? ` for "${pick}"` : ''} (run faaslight measure --json)`);
  if (found.length > 1)
    throw new UsageError(
      `${file} holds ${found.length} measure results: choose one with --app <part of its path> (${found.map((r) => r.packages[0].input).join(', ')})`,
    );
  return found[0].packages.map((p) => serviceTimesOf(p, file, stat));
}

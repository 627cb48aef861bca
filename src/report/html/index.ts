// `faaslight report`: result files in, one self-contained HTML page out.
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { MeasureResult } from '../../measure/types.js';
import type { OptimizeSummary } from '../summary.js';
import { basename } from './format.js';
import { readInputs } from './inputs.js';
import { page } from './page.js';
import {
  attributionSection,
  cloudSection,
  compareSection,
  distributionSection,
  modelSection,
  optimizeSummarySection,
  overviewSection,
  planSection,
  type Ctx,
} from './sections.js';
import type { BatchResults, ChartSpec, CompareResults, InvokeResults, ModelResults, ReportInput } from './types.js';

export { detectKind, readInputs, toInput } from './inputs.js';
export type * from './types.js';

const here = path.dirname(fileURLToPath(import.meta.url));

/** The page's script (Observable Plot + our code), bundled by scripts/build-report-client.mjs into dist. */
export function clientScript(): string {
  // From dist/report/html/ it is a sibling; from src/ (tests) it is the built copy.
  for (const p of [path.join(here, 'client.js'), path.join(here, '../../../dist/report/html/client.js')]) if (existsSync(p)) return readFileSync(p, 'utf8');
  throw new Error('dist/report/html/client.js is missing: run `npm run build`');
}

export interface ReportOptions {
  title?: string;
}

export function buildReport(inputs: ReportInput[], opts: ReportOptions = {}): string {
  const charts: ChartSpec[] = [];
  const counters = new Map<string, number>();
  const ctx: Ctx = {
    charts,
    next: (prefix) => {
      const i = (counters.get(prefix) ?? 0) + 1;
      counters.set(prefix, i);
      return `${prefix}-${i}`;
    },
  };
  const of = <K extends ReportInput['kind']>(k: K) => inputs.filter((i): i is Extract<ReportInput, { kind: K }> => i.kind === k);

  const batches: BatchResults[] = of('faaslight.batch').map((i) => i.data);
  const optimizes: { name: string; s: OptimizeSummary }[] = [
    ...of('faaslight.optimize').map((i) => ({ name: basename(i.data.app.root), s: i.data })),
    ...batches.flatMap((b) => b.apps.filter((a) => a.optimize).map((a) => ({ name: a.app, s: a.optimize! }))),
  ];
  const measures: { name: string; m: MeasureResult }[] = [
    ...of('faaslight.measure').map((i) => ({ name: measureName(i.data), m: i.data })),
    // optimize --measure carries its before/after measurement.
    ...of('faaslight.optimize').flatMap((i) => (i.data.measure ? [{ name: `${basename(i.data.app.root)}: original vs optimized`, m: i.data.measure }] : [])),
    ...batches.flatMap((b) => b.apps.filter((a) => a.measure).map((a) => ({ name: a.app, m: a.measure! }))),
  ];
  const invokes: InvokeResults[] = of('faaslight.invoke').map((i) => i.data);
  // In the cloud the init duration is what a forced cold start measures; end-to-end adds the network.
  const cloudMeasures = invokes.flatMap((r) =>
    r.results.map((m) => ({ name: `${r.provider.toUpperCase()} ${m.memoryMb} MB: ${measureName(m)}`, m, metrics: ['initMs' as const] })),
  );
  const compares: CompareResults[] = of('faaslight.compare').map((i) => i.data);
  const models: ModelResults[] = of('faaslight.model').map((i) => i.data);

  const sections = [
    { id: 'overview', title: 'Corpus overview', html: overviewSection(batches, ctx) },
    // With a batch, its table is the summary; per-app summaries would repeat it.
    { id: 'summary', title: 'What the optimizer changed', html: batches.length ? '' : optimizeSummarySection(optimizes) },
    { id: 'distributions', title: 'Cold-start distributions', html: distributionSection([...measures, ...cloudMeasures], ctx) },
    { id: 'attribution', title: 'Init-time attribution', html: attributionSection([...measures, ...cloudMeasures], ctx) },
    { id: 'plan', title: "The optimizer's plan", html: planSection(optimizes, ctx) },
    { id: 'compare', title: 'Builds compared', html: compareSection(compares, ctx) },
    { id: 'workload', title: 'Under load', html: modelSection(models, ctx) },
    { id: 'cloud', title: 'In the cloud', html: cloudSection(invokes, ctx) },
  ].filter((s) => s.html);

  const apps = new Set([...(batches.length ? ['corpus'] : []), ...optimizes.map((o) => o.name), ...compares.map((c) => c.app)]);
  return page({
    title: opts.title ?? `faaslight report${apps.size === 1 ? `: ${[...apps][0]}` : ''}`,
    sources: inputs.map((i) => ({ name: basename(i.source), kind: i.kind })),
    sections,
    charts,
    script: clientScript(),
    generator: 'faaslight 0.1.0',
  });
}

function measureName(m: MeasureResult): string {
  return m.packages.map((p) => basename(p.input)).join(' vs ');
}

/** Reads the result files, writes the page; returns what it wrote. */
export async function writeReport(files: string[], out: string, opts: ReportOptions = {}): Promise<{ out: string; bytes: number; kinds: string[] }> {
  const inputs = await readInputs(files);
  return writeReportFrom(inputs, out, opts);
}

export async function writeReportFrom(inputs: ReportInput[], out: string, opts: ReportOptions = {}): Promise<{ out: string; bytes: number; kinds: string[] }> {
  const html = buildReport(inputs, opts);
  await mkdir(path.dirname(path.resolve(out)), { recursive: true });
  await writeFile(out, html);
  return { out, bytes: Buffer.byteLength(html), kinds: inputs.map((i) => i.kind) };
}

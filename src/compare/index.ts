// `compare`: builds the variants a Node user chooses between — (a) the original, (b) a plain esbuild
// bundle, (c) faaslight lazy, (d) faaslight --bundle, and optional extras — verifies each against the
// original on the app's events, then measures their cold starts interleaved in one run (round r: every
// variant once, on event r mod n, starting at a rotating variant), so drifts of a shared machine hit all
// of them alike. Returns one JSON-serialisable result; the CLI prints it as a table.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { optimizeApp, nodeVersionFor } from '../pipeline.js';
import { coldStart } from '../measure/coldstart.js';
import { prepareLimits, resolveRuntimeClient } from '../sandbox/index.js';
import { median, summarize, type Summary } from '../measure/stats.js';
import { canonicalJson } from '../measure/index.js';
import type { Sample } from '../measure/types.js';
import { verify, expandEvents, eventLabels } from '../verify/index.js';
import { UsageError } from '../diagnostics.js';
import type { AppModel } from '../types.js';
import { listTree } from '../package/zip.js';
import { buildPlainBundle } from './esbuild-plain.js';

export type VariantName = 'original' | 'esbuild' | 'lazy' | 'bundle' | 'esbuild-minify' | 'bundle-minify' | 'bundle-cache';
export const BASE_VARIANTS: VariantName[] = ['original', 'esbuild', 'lazy', 'bundle'];
export const EXTRA_VARIANTS: VariantName[] = ['esbuild-minify', 'bundle-minify', 'bundle-cache'];

const LABELS: Record<VariantName, string> = {
  original: '(a) original',
  esbuild: '(b) esbuild (serverless-esbuild defaults)',
  lazy: '(c) faaslight lazy',
  bundle: '(d) faaslight --bundle',
  'esbuild-minify': '(b+) esbuild --minify',
  'bundle-minify': '(d+) faaslight --bundle --minify',
  'bundle-cache': '(d*) faaslight --bundle --code-cache',
};

export interface CompareOptions {
  /** App folder. */
  input: string;
  /** Folder the variants are built in (default: a temporary folder, removed afterwards). */
  work?: string;
  /** Event files (default: <app>/events/*.json). */
  events?: string[];
  runs?: number;
  warmup?: number;
  handlers?: string[];
  nodeVersion?: string;
  /** Variants beyond (a)-(d). */
  extra?: VariantName[];
  onProgress?: (line: string) => void;
}

export interface VariantReport {
  name: VariantName;
  label: string;
  built: boolean;
  buildError?: string;
  /** Events whose output equals the original's (the original: events it answers without a harness failure). */
  identical: number;
  differing: string[];
  /** Built and identical to the original on every event. */
  works: boolean;
  files: number;
  bytes: number;
  e2eMs: Summary | null;
  initMs: Summary | null;
  failedRuns: number;
  /** Measured runs whose output differed from the original's in the same round. */
  outputMismatches: number;
  samples: Pick<Sample, 'run' | 'e2eMs' | 'initMs' | 'durationMs'>[];
}

export interface CompareResult {
  kind: 'faaslight.compare';
  version: 1;
  app: string;
  handler: string;
  nodeVersion: string;
  events: string[];
  runs: number;
  warmup: number;
  /** Imports of modules (not Node built-ins) faaslight made lazy: the handler leaves some dependency unused at init. */
  lazyImports: number;
  /** Requires of Node built-ins deferred (src/lang/js/analyze/builtins.ts), in the app and in packages. */
  lazyBuiltins?: number;
  variants: VariantReport[];
  /** The faster of (a) and (b) among those that work on every event. */
  best: VariantName | null;
  /** Median e2e of (d) / median e2e of best; null when either is missing. */
  bundleVsBest: number | null;
  notes: string[];
  machine: { cpus: number; node: string };
  wallMs: number;
}

const med = (s: Summary | null) => s?.median ?? null;

async function packageStats(dir: string): Promise<{ files: number; bytes: number }> {
  const files = await listTree(dir);
  return { files: files.length, bytes: files.reduce((s, f) => s + f.size, 0) };
}

export async function compare(opts: CompareOptions): Promise<CompareResult> {
  const t0 = performance.now();
  const input = path.resolve(opts.input);
  if (!fs.existsSync(input)) throw new UsageError(`app folder not found: ${input}`);
  const runs = opts.runs ?? 10;
  const warmup = opts.warmup ?? 1;
  if (!Number.isInteger(runs) || runs < 1) throw new UsageError(`--runs must be a positive integer, got ${opts.runs}`);
  const events = opts.events?.length ? await expandEvents(opts.events) : await expandEvents([path.join(input, 'events', '*.json')]);
  if (!events.length) throw new UsageError(`no event files (looked in ${path.join(input, 'events')}); pass --events`);
  const names: VariantName[] = [...BASE_VARIANTS, ...(opts.extra ?? []).filter((v) => EXTRA_VARIANTS.includes(v))];
  const ownWork = !opts.work;
  const work = opts.work ? path.resolve(opts.work) : await fs.promises.mkdtemp(path.join(os.tmpdir(), 'faaslight-compare-'));
  const log = opts.onProgress ?? (() => {});
  const notes: string[] = [];
  try {
    // (c) first: its job gives the app model, the handlers and the plan.
    const dirs = new Map<VariantName, string>([['original', input]]);
    const built = new Map<VariantName, { ok: boolean; error?: string }>([['original', { ok: true }]]);
    let app: AppModel | undefined;
    let lazyImports = 0;
    let lazyBuiltins = 0;
    let nodeVersion = opts.nodeVersion ?? process.versions.node;
    for (const name of names.filter((n) => n !== 'original' && !n.startsWith('esbuild'))) {
      const out = path.join(work, name);
      log(`building ${LABELS[name]} …`);
      try {
        const { job } = await optimizeApp({
          input,
          out,
          zipPath: `${out}.zip`,
          handlers: opts.handlers,
          nodeVersion: opts.nodeVersion,
          bundle: name !== 'lazy',
          minify: name === 'bundle-minify',
          codeCache: name === 'bundle-cache',
          ...(name === 'bundle-cache' ? { codeCacheEvents: events } : {}),
        });
        app ??= job.app;
        if (name === 'lazy') {
          // A deferred built-in has no target file: it is not a dependency the handler leaves unused.
          lazyImports = job.plan.imports.filter((d) => d.decision === 'lazy' && d.target).length;
          lazyBuiltins = job.plan.imports.filter((d) => d.decision === 'lazy' && !d.target).length;
        }
        nodeVersion = nodeVersionFor(job.app.handlers[0]?.runtimeId, opts.nodeVersion ?? job.app.config.nodeVersion);
        dirs.set(name, out);
        built.set(name, { ok: true });
      } catch (e) {
        built.set(name, { ok: false, error: (e as Error).message });
      }
    }
    if (!app) throw new UsageError(`faaslight could not build ${input}: ${built.get('lazy')?.error}`);
    const nodeMajor = Number(nodeVersion.split('.')[0]);
    for (const name of names.filter((n) => n.startsWith('esbuild'))) {
      const out = path.join(work, name);
      log(`building ${LABELS[name]} …`);
      const r = await buildPlainBundle(app, out, nodeMajor, { minify: name === 'esbuild-minify' });
      built.set(name, { ok: r.ok, error: r.error });
      if (r.ok) dirs.set(name, out);
    }

    const labels = eventLabels(events);
    const reports = new Map<VariantName, VariantReport>();
    for (const name of names) {
      const b = built.get(name)!;
      const dir = dirs.get(name);
      const report: VariantReport = {
        name,
        label: LABELS[name],
        built: b.ok,
        ...(b.error ? { buildError: b.error } : {}),
        identical: 0,
        differing: [],
        works: false,
        files: 0,
        bytes: 0,
        e2eMs: null,
        initMs: null,
        failedRuns: 0,
        outputMismatches: 0,
        samples: [],
      };
      if (dir) {
        Object.assign(report, await packageStats(dir));
        if (name === 'original') {
          report.identical = events.length;
          report.works = true;
        } else {
          log(`verifying ${LABELS[name]} on ${events.length} event(s) …`);
          const v = await verify(input, dir, app.handlers, events);
          report.identical = v.events.filter((e) => e.identical).length;
          report.differing = v.events.filter((e) => !e.identical).map((e) => e.event);
          report.works = v.ok;
        }
      }
      reports.set(name, report);
    }

    // Interleaved cold starts.
    const handler = app.handlers[0];
    const measured = names.filter((n) => dirs.has(n));
    const payloads = await Promise.all(events.map((e) => fs.promises.readFile(e, 'utf8')));
    const limits = prepareLimits({});
    notes.push(...limits.notes);
    const client = resolveRuntimeClient('auto');
    if (client.note) notes.push(client.note);
    const samples = new Map<VariantName, Sample[]>(measured.map((n) => [n, []]));
    try {
      for (let round = warmup > 0 ? -warmup : 0; round < runs; round++) {
        const ev = ((round % events.length) + events.length) % events.length;
        const order = measured.map((_, i) => measured[(i + Math.max(round, 0)) % measured.length]);
        const outputs = new Map<VariantName, string>();
        for (const name of order) {
          const r = await coldStart(dirs.get(name)!, handler, payloads[ev], {
            limits,
            run: round,
            runtimeClient: client.kind === 'ric' ? 'ric' : 'builtin',
          });
          if (round < 0) continue;
          const { protocol: _p, taskRoot: _t, profile: _pr, ...s } = r;
          samples.get(name)!.push(s);
          outputs.set(name, canonicalJson(s.error ? { error: s.error.kind } : s.output));
          log(`round ${round + 1}/${runs} ${labels.get(events[ev])} ${name}: ${s.error ? `FAILED ${s.error.kind}` : `e2e ${s.e2eMs} ms`}`);
        }
        if (round >= 0) for (const name of measured) if (outputs.get(name) !== outputs.get('original')) reports.get(name)!.outputMismatches++;
      }
    } finally {
      limits.dispose();
    }
    for (const name of measured) {
      const s = samples.get(name)!;
      const ok = s.filter((x) => !x.error);
      const report = reports.get(name)!;
      report.failedRuns = s.length - ok.length;
      report.e2eMs = summarize(ok.map((x) => x.e2eMs));
      report.initMs = summarize(ok.map((x) => x.initMs));
      report.samples = s.map((x) => ({ run: x.run, e2eMs: x.e2eMs, initMs: x.initMs, durationMs: x.durationMs }));
    }

    const candidates = (['original', 'esbuild'] as VariantName[])
      .map((n) => reports.get(n)!)
      .filter((r) => r.works && r.failedRuns === 0 && r.outputMismatches === 0 && med(r.e2eMs) !== null);
    const best = candidates.sort((x, y) => med(x.e2eMs)! - med(y.e2eMs)!)[0];
    const d = reports.get('bundle')!;
    const bundleVsBest = best && med(d.e2eMs) !== null ? Math.round((med(d.e2eMs)! / med(best.e2eMs)!) * 1000) / 1000 : null;
    if (!d.works) notes.push('(d) does not give identical outputs on every event');
    return {
      kind: 'faaslight.compare',
      version: 1,
      app: input,
      handler: handler.handler,
      nodeVersion,
      events: events.map((e) => labels.get(e)!),
      runs,
      warmup,
      lazyImports,
      lazyBuiltins,
      variants: names.map((n) => reports.get(n)!),
      best: best?.name ?? null,
      bundleVsBest,
      notes,
      machine: { cpus: os.availableParallelism?.() ?? os.cpus().length, node: process.version },
      wallMs: Math.round(performance.now() - t0),
    };
  } finally {
    if (ownWork) await fs.promises.rm(work, { recursive: true, force: true });
  }
}

/** Median end-to-end ms per variant and event (round r ran event r mod n); undefined where none succeeded. */
export function perEventMedians(r: CompareResult): Map<VariantName, (number | undefined)[]> {
  const out = new Map<VariantName, (number | undefined)[]>();
  for (const v of r.variants) {
    out.set(
      v.name,
      r.events.map((_, i) => {
        const xs = v.samples.filter((s) => s.run % r.events.length === i && typeof s.e2eMs === 'number').map((s) => s.e2eMs as number);
        return xs.length ? median(xs) : undefined;
      }),
    );
  }
  return out;
}

/** A text table of one result. */
export function formatCompareText(r: CompareResult): string {
  const pad = (s: string, n: number) => s.padEnd(n);
  const num = (x: number | null | undefined) => (x === null || x === undefined ? '-' : String(Math.round(x * 10) / 10));
  const lines = [
    `compare ${r.app} (${r.handler}, Node ${r.nodeVersion}; ${r.runs} interleaved rounds over ${r.events.length} event(s), ${r.warmup} warm-up)`,
    `${pad('variant', 36)} ${pad('works', 8)} ${pad('files', 7)} ${pad('MB', 7)} ${pad('init ms', 9)} ${pad('e2e ms', 9)} e2e min-p90`,
  ];
  for (const v of r.variants) {
    const works = !v.built ? 'build!' : v.works ? `${v.identical}/${r.events.length}` : `NO ${v.identical}/${r.events.length}`;
    lines.push(
      `${pad(v.label, 36)} ${pad(works, 8)} ${pad(String(v.files), 7)} ${pad((v.bytes / 1048576).toFixed(1), 7)} ${pad(num(med(v.initMs)), 9)} ${pad(num(med(v.e2eMs)), 9)} ${v.e2eMs ? `${num(v.e2eMs.min)}-${num(v.e2eMs.p90)}` : '-'}${v.failedRuns ? `  (${v.failedRuns} failed runs)` : ''}${v.buildError ? `  ${v.buildError.slice(0, 100)}` : ''}`,
    );
  }
  lines.push(
    `best of (a),(b): ${r.best ?? 'none'}; (d)/best = ${r.bundleVsBest ?? '-'}; lazy imports: ${r.lazyImports}${r.lazyBuiltins ? ` (and ${r.lazyBuiltins} deferred built-in requires)` : ''}`,
  );
  // The medians above mix the events; laziness pays on the events that leave the lazy imports unused.
  if (r.events.length > 1) {
    const byEvent = perEventMedians(r);
    lines.push(`median e2e ms by event: ${pad('', 14)}${r.variants.map((v) => pad(v.name, 10)).join('')}`);
    for (const [i, ev] of r.events.entries()) lines.push(`  ${pad(ev, 36)}${r.variants.map((v) => pad(num(byEvent.get(v.name)?.[i]), 10)).join('')}`);
  }
  for (const n of r.notes) lines.push(`note: ${n}`);
  return lines.join('\n') + '\n';
}

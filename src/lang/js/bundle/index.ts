// Bundle stage (`optimize --bundle`): after the lazy rewrite, each handler file is replaced by an esbuild
// bundle of what it loads that no lazy target shares, and each lazy target by a bundle of what only it
// loads. Files that must keep their path (native addons, opaque packages, positional code, anything two
// roots share) stay files and are required by exact relative path; bundled files move into the fallback
// store, so a request the analysis did not see still finds them.
import fs from 'node:fs';
import path from 'node:path';
import type { JobIO } from '../../../io/index.js';
import { createResolver } from '../analyze/resolve.js';
import { diag } from '../../../diagnostics.js';
import type { AppModel, Diagnostic, FileAnalysis, ImportDecision, ModuleGraph, PackageResult, Plan, Reason, UnitsPlan } from '../../../types.js';
import { anchorRequires } from './anchor.js';
import { planUnits, type BundleUnit } from './units.js';
import { addCodeCache, type CodeCacheKind, type CodeCacheResult } from './code-cache.js';
import { writeZip } from '../../../package/zip.js';
import { lambdaNodeFlags, runtimeV8Flags } from '../../../sandbox/index.js';

export { planUnits, unbundleableReason, positionalUse, type BundleUnit, type BundlePlan } from './units.js';
export { ESM_REQUIRE_LINE } from './esm-require.js';
export { addCodeCache, stubSource, type CodeCacheResult } from './code-cache.js';

export interface BundleOptions {
  nodeVersion: string;
  minify?: boolean;
  readSource: (file: string) => string | undefined;
  /** The lazy rewrite skipped some of the plan's decisions: decide the units again on the actual code. */
  stale?: boolean;
  /** The run's reads and shared parses (src/io). */
  io?: JobIO;
}

export interface BundleResult {
  /** Root file → bundle text (replaces the lazily rewritten or original source). */
  code: Map<string, string>;
  /** Files now inside a bundle (roots excluded): move to the fallback store. */
  bundled: string[];
  units: (BundleUnit & { externals: string[]; staticImports: boolean; bytes: number })[];
  /** Bundled files that also stay on disk, sharing one instance through require.cache. */
  registered: string[];
  /** Bundled files whose computed requests resolve from their original path. */
  anchored: string[];
  unbundled: Record<string, Reason>;
  diagnostics: Diagnostic[];
  /** With --code-cache: one result per CommonJS bundle. */
  codeCache?: CodeCacheResult[];
  /** The V8 flags the caches were made under (V8 accepts them only under the same flags). */
  codeCacheFlags?: string[];
}

/** What bundling reads of the analysed job (src/job.ts AnalyzedJob); declared here so the job need not be imported. */
export interface BundleJob {
  app: AppModel;
  graph: ModuleGraph;
  plan: Plan;
  analyses: ReadonlyMap<string, FileAnalysis>;
}

/**
 * The bundle units, decided at plan time on the code each file will have after the lazy rewrite
 * (`readSource`): which files go into which bundle, and why each other reached file stays a file.
 */
export function decideUnits(
  job: Omit<BundleJob, 'plan'>,
  imports: ImportDecision[],
  readSource: (file: string) => string | undefined,
  parser?: JobIO['jsParser'],
): UnitsPlan {
  const handlers = [...new Set(job.app.handlers.map((h) => h.file))];
  const p = planUnits({
    graph: job.graph,
    imports,
    handlers,
    readSource,
    parser,
    parseError: (f) => job.analyses.get(f)?.parseError,
    dynamicRequest: (f) => {
      const computed = job.analyses.get(f)?.imports.filter((r) => r.pattern !== undefined || r.unknown === true) ?? [];
      if (computed.length === 0) return undefined;
      return computed.every((r) => r.unknown === true && (r.kind === 'require' || r.kind === 'require.resolve')) ? 'require' : 'other';
    },
  });
  return { units: p.units, unbundled: p.unbundled, registered: p.registered, anchored: Object.keys(p.anchored) };
}

/**
 * Builds every unit of the plan; a unit esbuild rejects is dropped (its files stay files) with FL203.
 * When the rewrite did not do all the plan said (`stale`: a decision skipped by its re-check), the code
 * the units were decided on is not the code there is, so they are decided again on the actual code.
 */
export async function bundleApp(job: BundleJob, transformed: ReadonlyMap<string, string>, o: BundleOptions): Promise<BundleResult> {
  const app = job.app;
  const graph = job.graph;
  const readSource = (f: string) => transformed.get(f) ?? o.readSource(f);
  if (o.stale || !job.plan.units) job.plan.units = decideUnits(job, job.plan.imports, readSource, o.io?.jsParser);
  const units = job.plan.units;
  // The anchored sources are made from the code there is (the same code the units were decided on).
  const anchored = Object.fromEntries(
    units.anchored.map((f) => {
      const code = readSource(f) ?? '';
      return [f, anchorRequires(code, graph.files[f]?.isESM === true, o.io?.jsParser(f, code))?.code ?? code];
    }),
  );
  const plan = { ...units, anchored };
  const registered = new Set(plan.registered);
  const resolver = createResolver(app.root, { nodeVersion: o.nodeVersion });
  const nodeMajor = Number(o.nodeVersion.replace(/^v/, '').split('.')[0]) || 20;
  const result: BundleResult = {
    code: new Map(),
    bundled: [],
    units: [],
    registered: plan.registered,
    anchored: units.anchored,
    unbundled: plan.unbundled,
    diagnostics: [],
  };
  // esbuild loads here, when units are built: plan-time unit decisions (decideUnits) need none of it.
  const { buildUnit } = await import('./build.js');
  for (const unit of plan.units) {
    try {
      const r = await buildUnit({ root: app.root, unit, resolver, transformed, nodeMajor, minify: o.minify, registered, anchored: plan.anchored, io: o.io });
      result.code.set(unit.root, r.code);
      // Registered files stay on disk: a load by path must find the file to find its cache entry.
      result.bundled.push(...unit.files.filter((f) => f !== unit.root && !f.endsWith('.json') && !registered.has(f)));
      result.units.push({ ...unit, externals: r.externals, staticImports: r.staticImports, bytes: Buffer.byteLength(r.code) });
    } catch (e) {
      const text = ((e as { errors?: { text: string }[] }).errors?.map((x) => x.text).join('; ') || (e as Error).message).split('\n')[0];
      result.diagnostics.push(
        diag('FL203', 'warning', `${unit.root}: not bundled (${text}); its ${unit.files.length} files stay files`, {
          file: unit.root,
          note: 'the package still works unbundled; report the esbuild error if it looks wrong',
        }),
      );
    }
  }
  result.bundled.sort();
  return result;
}

/** Why a file stayed a file (units.ts) when it is still loaded as it was: from a root, by exact path. */
const SINGLE_FILE_REASONS = new Set(['shared', 'on-demand', 'below-file']);
const SINGLE_FILE_MIN_BYTES = 4096;

/**
 * After packaging: V8 code cache for the CommonJS bundles (handlers and lazy roots), for lazily loaded
 * CommonJS files left single (lodash's one 540 KB file) and for the larger files left single that those
 * load, then the zip is written again. With events (the --verify ones), the handlers run on them first,
 * so what an invoke compiles is cached too.
 */
/** What the code-cache stage reads and adds to: the bundled, packaged job. */
export interface CodeCacheJob extends BundleJob {
  options: { memoryMb?: number };
  bundle?: BundleResult;
  packageResult?: PackageResult;
  diagnostics: Diagnostic[];
}

export async function codeCacheStage(job: CodeCacheJob, outDir: string, zipPath: string, events: string[] = []): Promise<CodeCacheResult[]> {
  const units = job.bundle?.units ?? [];
  const inUnit = new Set(units.flatMap((u) => u.files));
  const roots: { file: string; kind: CodeCacheKind }[] = units.filter((u) => u.format === 'cjs').map((u) => ({ file: u.root, kind: u.kind }));
  const kept = new Set(job.plan.files.filter((f) => f.decision === 'keep').map((f) => f.file));
  for (const d of job.plan.imports) {
    const t = d.decision === 'lazy' && !d.narrow ? d.target : undefined;
    const node = t ? job.graph.files[t] : undefined;
    if (!t || !node || node.kind !== 'js' || node.isESM || inUnit.has(t) || !kept.has(t) || roots.some((r) => r.file === t)) continue;
    roots.push({ file: t, kind: 'lazy' });
  }
  // Files left single that a root loads (shared by several roots, required inside a function, or below
  // a file that keeps its path): large CommonJS files get a cache too, if the child loads them.
  // Below 4 KiB the extra read of the cache costs about what it saves (App24JS: all 32 such files or the
  // 24 above 4 KiB, same cold start).
  for (const [f, why] of Object.entries(job.bundle?.unbundled ?? {})) {
    const node = job.graph.files[f];
    if (!node || node.kind !== 'js' || node.isESM || !kept.has(f) || roots.some((r) => r.file === f) || !/\.c?js$/.test(f)) continue;
    if (!SINGLE_FILE_REASONS.has(why.code) || fs.statSync(path.join(outDir, f)).size < SINGLE_FILE_MIN_BYTES) continue;
    roots.push({ file: f, kind: 'file' });
  }
  if (roots.length === 0) return [];
  const handlers = job.app.handlers.filter((h) => h.style === 'aws' && roots.some((r) => r.file === h.file && r.kind === 'handler'));
  const warm = events.flatMap((event) => handlers.map((h) => ({ file: h.file, exportName: h.exportName, event })));
  const first = job.app.handlers[0];
  const memoryMb = job.options.memoryMb;
  const results = addCodeCache(outDir, roots, warm, { nodeFlags: first ? lambdaNodeFlags(first, memoryMb) : [], memoryMb });
  if (job.bundle) {
    job.bundle.codeCache = results;
    job.bundle.codeCacheFlags = first ? runtimeV8Flags(first, memoryMb) : [];
  }
  // A single file the child never loaded (an event that was not given) simply has no cache.
  for (const r of results.filter((x) => !x.ok && x.kind !== 'file'))
    job.diagnostics.push(diag('FL203', 'warning', `${r.handler}: no code cache (${r.error}); loaded as usual`, { file: r.handler }));
  if (results.some((r) => r.ok) && job.packageResult) job.packageResult.after.zipBytes = (await writeZip(outDir, zipPath)).bytes;
  return results;
}

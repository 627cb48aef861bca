// The JavaScript language adapter (src/lang/types.ts): the analysis, decision, rewrite and bundle modules
// of this folder, wired to the job.
import path from 'node:path';
import { diag } from '../../diagnostics.js';
import { stage, type AnalyzedJob, type LoadedJob } from '../../job.js';
import { keptEagerNotes } from '../../plan/plan.js';
import type { BindingSite, ImportDecision, Reason, ValueDecision } from '../../types.js';
import { expandEvents } from '../../verify/events.js';
import type { LanguageAdapter } from '../types.js';
import { barrelExports, type BarrelMap } from './analyze/barrel.js';
import { analyzeBindings } from './analyze/bindings.js';
import { isDeferrableBuiltin, mentionsDeferrableBuiltin } from './analyze/builtins.js';
import { buildGraph } from './analyze/graph.js';
import { createResolver, type Resolver } from './analyze/resolve.js';
import { traceApp } from './analyze/trace.js';
import { bundleApp, codeCacheStage, ESM_REQUIRE_LINE } from './bundle/index.js';
import { JS_FILE_RULES } from './files.js';
import { decideJsImports, nodeVersionFor } from './imports.js';
import { decideRewrites } from './plan.js';
import { checkJs } from './checks.js';

const targetNode = (job: LoadedJob) => nodeVersionFor(job.app.handlers[0]?.runtimeId, job.options.nodeVersion ?? job.app.config.nodeVersion);

// One resolver per run, with the target runtime's conditions (module-sync only where require(esm) is on
// there), shared by the graph and the decisions; keyed by the run's io, which is unique to the run.
const resolvers = new WeakMap<LoadedJob['io'], Resolver>();
function resolverOf(job: LoadedJob): Resolver {
  let r = resolvers.get(job.io);
  if (!r) resolvers.set(job.io, (r = createResolver(job.app.root, { nodeVersion: targetNode(job) })));
  return r;
}

export const javascript: LanguageAdapter = {
  runtime: 'nodejs',

  async analyze(job) {
    const { app } = job;
    const entries = [...new Set(app.handlers.map((h) => h.file))];
    const graph = await stage(job, 'graph', () =>
      buildGraph(app.root, entries, {
        resolver: resolverOf(job),
        files: app.files,
        io: job.io,
        readFile: job.readSource,
        cache: job.analyses,
        opaque: app.config.opaque,
        diagnostics: job.diagnostics,
      }),
    );
    // Laziness is decided in the app's own code: that is where handlers import their dependencies at the
    // top, and where a rewrite is easy to review. Inside node_modules only requires of the built-ins in
    // ./analyze/builtins.ts are considered: loading one changes nothing but itself, so deferring it inside a
    // package is as safe as in the app (and Lambda compiles every built-in from source).
    const sites = await stage(job, 'bindings', () => {
      const out: BindingSite[] = [];
      for (const [file, info] of Object.entries(graph.files)) {
        if (info.kind !== 'js') continue;
        const inPackage = file.split('/').includes('node_modules');
        const code = job.readSource(file);
        if (code === undefined || (inPackage && !mentionsDeferrableBuiltin(code))) continue;
        const r = analyzeBindings(file, code, { isESM: info.isESM, parse: job.io.jsParser(file, code) });
        if (inPackage) {
          out.push(...r.sites.filter((s) => isDeferrableBuiltin(s.specifier)));
          continue;
        }
        if (r.error) job.diagnostics.push(diag('FL101', 'warning', `${file}: ${r.error}; its imports stay eager`, { file }));
        out.push(...r.sites);
      }
      return out;
    });
    return { graph, sites };
  },

  check: checkJs,

  async trace(job, events) {
    const run = await traceApp(job.app.root, job.app.handlers, events);
    return { trace: run, diagnostics: run.diagnostics };
  },

  decide(job, { graph, sites, trace }) {
    const resolver = resolverOf(job);
    const barrels = new Map<string, BarrelMap | undefined>();
    const barrel = (file: string): BarrelMap | undefined => {
      if (!barrels.has(file)) {
        const code = job.readSource(file);
        barrels.set(
          file,
          code === undefined || graph.files[file]?.isESM
            ? undefined
            : barrelExports({
                code,
                file,
                parser: job.io.jsParser,
                resolve: (spec) => resolver.resolve(file, spec, 'require').file,
                readSource: job.readSource,
              }),
        );
      }
      return barrels.get(file);
    };
    const imports = decideJsImports({
      app: job.app,
      graph,
      sites,
      trace,
      nodeVersion: targetNode(job),
      lazy: job.options.lazy,
      resolveRequire: (from, spec) => resolver.resolve(from, spec, 'require').file,
      barrel,
      readSource: job.readSource,
      diagnostics: job.diagnostics,
    });
    return { imports, fileRules: JS_FILE_RULES, notes: keptEagerNotes(imports, (s) => `require('${s}')`) };
  },

  decideRewrites,

  async transform(job) {
    const { rewriteLazy } = await import('./transform/index.js');
    const { plan } = job;
    const byFile = new Map<string, ImportDecision[]>();
    for (const d of plan.imports) if (d.decision === 'lazy') byFile.set(d.site.file, [...(byFile.get(d.site.file) ?? []), d]);
    const code = new Map<string, string>();
    const notApplied: { decision: ImportDecision; reason: Reason }[] = [];
    const valuesNotApplied: { value: ValueDecision; reason: Reason }[] = [];
    const lazyValuesOf = (file: string) => (plan.values ?? []).filter((v) => v.file === file && v.decision === 'lazy');
    for (const [file, decisions] of byFile) {
      const original = job.readText(file);
      try {
        const r = rewriteLazy(file, original, decisions, { isESM: job.graph.files[file]?.isESM, values: plan.values, parse: job.io.jsParser(file, original) });
        for (const s of r.skipped) {
          const d = decisions.find((x) => x.site.id === s.id);
          if (d) notApplied.push({ decision: d, reason: { code: 'rewrite-skipped', text: s.reason, parent: file } });
        }
        for (const v of lazyValuesOf(file)) {
          const s = r.skippedValues.find((x) => x.name === v.name && x.line === v.line);
          if (s) valuesNotApplied.push({ value: v, reason: { code: 'rewrite-skipped', text: s.reason, parent: file } });
        }
        if (r.code !== original) code.set(file, r.code);
      } catch (e) {
        for (const d of decisions) notApplied.push({ decision: d, reason: { code: 'rewrite-failed', text: String(e), parent: file } });
        for (const v of lazyValuesOf(file)) valuesNotApplied.push({ value: v, reason: { code: 'rewrite-failed', text: String(e), parent: file } });
        job.diagnostics.push(diag('FL202', 'warning', `${file}: rewrite failed (${(e as Error).message}); file kept as is`, { file }));
      }
    }
    return { code, notApplied, valuesNotApplied };
  },

  packageExtras(job: AnalyzedJob, bundle) {
    const handlerFiles = [...new Set(job.app.handlers.map((h) => h.file))];
    return {
      esmHandlerFiles: handlerFiles.filter((f) => job.graph.files[f]?.isESM),
      requireShimAfter: new Map(
        bundle?.units.filter((u) => u.kind === 'handler' && u.format === 'esm' && !u.staticImports).map((u) => [u.root, ESM_REQUIRE_LINE]),
      ),
      esmHooks: job.options.esmFallback === true,
      parser: job.io.jsParser,
    };
  },

  bundle: {
    build: (job, transformed, { stale }) =>
      bundleApp(job, transformed, { nodeVersion: targetNode(job), minify: job.options.minify, readSource: job.readText, stale, io: job.io }),
    async afterPackage(job) {
      const o = job.options;
      if (!o.codeCache) return;
      const warm = o.codeCacheEvents ?? o.verifyEvents ?? [];
      const events = warm.length ? await expandEvents(warm) : [];
      await stage(job, 'code-cache', () =>
        codeCacheStage(
          job,
          o.out,
          o.zipPath,
          events.map((e) => path.resolve(e)),
        ),
      );
    },
  },
};

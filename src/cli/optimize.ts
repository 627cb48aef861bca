// `faaslight optimize | analyze | why <app>`: the pipeline's commands, sharing the options that say which
// handlers to read and what the plan may do. The pipeline and the reporters load when the action runs.
import type { Command } from 'commander';
import type { JobOptions } from '../job.js';
import { type Cli, FORMATS, formatOf, print, toJson } from './output.js';
import { choice, int, repeat } from './options.js';

type Opts = Record<string, any>;

function jobOptions(app: string, o: Opts): JobOptions {
  return {
    input: app,
    out: o.out,
    zipPath: o.zip,
    handlers: o.handler,
    target: o.target,
    traceEvents: o.trace,
    verifyEvents: o.verify,
    strip: o.strip,
    lazy: o.lazy,
    nodeVersion: o.nodeVersion,
    esmFallback: o.esmFallback,
    measureRuns: o.measure === true ? 10 : o.measure,
    measureEvent: o.measureEvent,
    runtime: o.runtime,
    followExternalLinks: o.followExternalLinks,
    stubs: o.stubs,
    precompile: o.precompile,
    bundle: o.bundle,
    minify: o.minify,
    codeCache: o.codeCache,
    memoryMb: o.memory,
  };
}

function common(cmd: Command): Command {
  return cmd
    .option('--handler <file.export>', 'handler string (repeatable); overrides serverless.yml / SAM / package.json', repeat)
    .option('--target <name>', 'GCF function name exported from package.json "main"')
    .option('--trace <events>', 'run the original handler on these event files (globs) and keep what it loads (repeatable)', repeat)
    .option('--node-version <version>', 'target Node.js version (decides whether require(esm) may be used)')
    .option('--no-lazy', 'do not make imports lazy')
    .option('--no-strip', 'do not strip unreached files')
    .option('--no-stubs', 'Python: do not replace never-reached library functions by stubs')
    .addOption(choice('--runtime <name>', 'runtime of the handlers (default: from the descriptor or the handler file)', ['nodejs', 'python']))
    .option('--follow-external-links', 'package a copy of what a symlink leaving the app points to (default: such a link is an error)')
    .option('--json', 'print the result as JSON')
    .addOption(choice('--format <name>', 'report format', FORMATS));
}

export function registerOptimize(program: Command, cli: Cli): void {
  common(program.command('optimize').argument('<app>', 'function package folder or deployment .zip'))
    .description(
      'rewrite imports not needed at init to lazy loaders, strip unreached files into a fallback store, write a folder and a deterministic zip (a zip alone from a zip)',
    )
    .option('-o, --out <dir|file.zip>', 'output folder, or a .zip (default: <app>.opt, and <app>.opt.zip alone from a zip)')
    .option('--zip <file>', 'zip path (default: <out>.zip)')
    .option('--verify <events>', 'run original and optimized handlers on these event files (globs) and fail if any output differs (repeatable)', repeat)
    .option(
      '--measure [runs]',
      'then measure the cold start before/after locally: fresh processes, interleaved, median of [runs] (default 10)',
      int('--measure'),
    )
    .option('--measure-event <file>', 'event for --measure (default: the first --verify event)')
    .option('--precompile', 'Python: ship byte code (.pyc, unchecked-hash) compiled by the target interpreter')
    .option(
      '--bundle',
      'bundle what each handler loads at init, and each lazily loaded package, with esbuild (native addons, opaque and shared files stay files)',
    )
    .option('--minify', 'minify the bundles (with --bundle)')
    .option(
      '--code-cache',
      'ship a V8 code cache for the CommonJS bundles, handlers and lazily loaded ones (with --bundle; used only when the deployed Node has the same V8 build and flags)',
    )
    .option(
      '--memory <mb>',
      'Lambda memory size the function runs with: V8 heap flags (as Lambda sets them) for --measure and the --code-cache, CPU share for --measure (default 1024)',
      int('--memory'),
    )
    .option('--esm-fallback', 'also restore stripped files for import() (registers ESM loader hooks: costs ~40-100 ms per ESM cold start)')
    .option('--no-report', 'with --verify: do not write the HTML report <out>.report.html')
    .action(async (app: string, o: Opts) => {
      const { withAppInput } = await import('../app/zip-input.js');
      const { optimizeApp } = await import('../pipeline.js');
      const { REPORTERS } = await import('../report/reporters.js');
      await withAppInput(jobOptions(app, o), async (input) => {
        const { summary } = await optimizeApp(input.options);
        const shown = input.present(summary);
        print(cli, o, shown, REPORTERS);
        if (shown.verify && shown.package && o.report !== false) {
          const { writeReportFrom } = await import('../report/html/index.js');
          const r = await writeReportFrom([{ kind: 'faaslight.optimize', source: 'optimize', data: shown }], input.reportPath);
          (formatOf(o) === 'json' ? cli.err : cli.out)(`report: ${r.out}\n`);
        }
        if (shown.verify && !shown.verify.ok) cli.exitCode = 1;
      });
    });
}

export function registerAnalyze(program: Command, cli: Cli): void {
  common(program.command('analyze').argument('<app>', 'function package folder or deployment .zip'))
    .option('--bundle', 'also plan the bundle units (which files go into which bundle, and why the others stay files)')
    .description('print the plan (eager / lazy / stripped, with reasons) without writing anything')
    .action(async (app: string, o: Opts) => {
      const { withAppInput } = await import('../app/zip-input.js');
      const { analyzeApp } = await import('../pipeline.js');
      const { summarize } = await import('../report/summary.js');
      const { REPORTERS } = await import('../report/reporters.js');
      await withAppInput(jobOptions(app, o), async (input) => {
        const job = await analyzeApp(input.options);
        const summary = input.present(summarize(job));
        // The JSON adds the plan itself, which the text and markdown reporters summarise.
        print(cli, o, summary, { ...REPORTERS, json: (s) => toJson({ ...s, plan: input.present(job.plan) }) });
      });
    });
}

export function registerWhy(program: Command, cli: Cli): void {
  common(
    program.command('why').argument('<app>', 'function package folder or deployment .zip').argument('<query>', 'a file (relative path) or an import specifier'),
  )
    .option('--bundle', 'also say which bundle unit a file belongs to')
    .description('print why a file is kept or stripped, or why an import is lazy or eager, back to the handler')
    .action(async (app: string, query: string, o: Opts) => {
      const { withAppInput } = await import('../app/zip-input.js');
      const { analyzeApp } = await import('../pipeline.js');
      const { why } = await import('../report/why.js');
      await withAppInput(jobOptions(app, o), async (input) => {
        const lines = input.present(why(await analyzeApp(input.options), query));
        if (!lines.length) {
          cli.err(`faaslight: nothing in ${app} matches "${query}"\n`);
          cli.exitCode = 1;
        } else cli.out(`${lines.join('\n')}\n`);
      });
    });
}

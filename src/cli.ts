// A thin shell over the library: parse arguments, call it, pick a reporter and an exit code
// (0 done, 1 verification/analysis failure, 2 usage error).
import { Command, CommanderError, Option } from 'commander';
import { analyzeApp, optimizeApp } from './pipeline.js';
import { summarize } from './report/summary.js';
import { REPORTERS } from './report/reporters.js';
import { why } from './report/why.js';
import { FaaslightError } from './diagnostics.js';
import type { JobOptions } from './job.js';
import { int } from './cli/args.js';

const collect = (v: string, prev: string[] = []) => [...prev, v];

function jobOptions(app: string, o: Record<string, any>): JobOptions {
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

function format(o: Record<string, any>): string {
  const f = o.json ? 'json' : (o.format ?? 'text');
  if (!REPORTERS[f]) throw new CommanderError(2, 'faaslight.format', `unknown format "${f}" (one of ${Object.keys(REPORTERS).join(', ')})`);
  return f;
}

function common(cmd: Command): Command {
  return cmd
    .option('--handler <file.export>', 'handler string (repeatable); overrides serverless.yml / SAM / package.json', collect)
    .option('--target <name>', 'GCF function name exported from package.json "main"')
    .option('--trace <events>', 'run the original handler on these event files (globs) and keep what it loads (repeatable)', collect)
    .option('--node-version <version>', 'target Node.js version (decides whether require(esm) may be used)')
    .option('--no-lazy', 'do not make imports lazy')
    .option('--no-strip', 'do not strip unreached files')
    .option('--no-stubs', 'Python: do not replace never-reached library functions by stubs')
    .addOption(new Option('--runtime <name>', 'runtime of the handlers (default: from the descriptor or the handler file)').choices(['nodejs', 'python']))
    .option('--follow-external-links', 'package a copy of what a symlink leaving the app points to (default: such a link is an error)')
    .option('--json', 'print the result as JSON')
    .addOption(new Option('--format <name>', 'report format').choices(Object.keys(REPORTERS)));
}

export function buildProgram(out: (s: string) => void, err: (s: string) => void): { program: Command; exit: { code: number } } {
  const exit = { code: 0 };
  const program = new Command('faaslight')
    .description('Make serverless functions start faster without changing what they do.')
    .version('0.1.0')
    .exitOverride()
    .configureOutput({ writeOut: out, writeErr: err })
    .showHelpAfterError('(run faaslight --help for usage)');

  common(program.command('optimize').argument('<app>', 'function package folder'))
    .description('rewrite imports not needed at init to lazy loaders, strip unreached files into a fallback store, write a folder and a deterministic zip')
    .option('-o, --out <dir>', 'output folder (default: <app>.opt)')
    .option('--zip <file>', 'zip path (default: <out>.zip)')
    .option('--verify <events>', 'run original and optimized handlers on these event files (globs) and fail if any output differs (repeatable)', collect)
    .option('--measure [runs]', 'then measure the cold start before/after locally: fresh processes, interleaved, median of [runs] (default 10)', int('--measure'))
    .option('--measure-event <file>', 'event for --measure (default: the first --verify event)')
    .option('--precompile', 'Python: ship byte code (.pyc, unchecked-hash) compiled by the target interpreter')
    .option('--bundle', 'bundle what each handler loads at init, and each lazily loaded package, with esbuild (native addons, opaque and shared files stay files)')
    .option('--minify', 'minify the bundles (with --bundle)')
    .option('--code-cache', 'ship a V8 code cache for the CommonJS bundles, handlers and lazily loaded ones (with --bundle; used only when the deployed Node has the same V8 build and flags)')
    .option('--memory <mb>', 'Lambda memory size the function runs with: V8 heap flags (as Lambda sets them) for --measure and the --code-cache, CPU share for --measure (default 1024)', int('--memory'))
    .option('--esm-fallback', 'also restore stripped files for import() (registers ESM loader hooks: costs ~40-100 ms per ESM cold start)')
    .option('--no-report', 'with --verify: do not write the HTML report <out>.report.html')
    .action(async (app: string, o: Record<string, any>) => {
      const fmt = format(o);
      const { summary } = await optimizeApp(jobOptions(app, o));
      out(REPORTERS[fmt](summary));
      if (summary.verify && summary.package && o.report !== false) {
        const { writeReportFrom } = await import('./report/html/index.js');
        const r = await writeReportFrom([{ kind: 'faaslight.optimize', source: 'optimize', data: summary }], `${summary.package.outDir}.report.html`);
        (fmt === 'json' ? err : out)(`report: ${r.out}\n`);
      }
      if (summary.verify && !summary.verify.ok) exit.code = 1;
    });

  common(program.command('analyze').argument('<app>', 'function package folder'))
    .description('print the plan (eager / lazy / stripped, with reasons) without writing anything')
    .action(async (app: string, o: Record<string, any>) => {
      const fmt = format(o);
      const job = await analyzeApp(jobOptions(app, o));
      const summary = summarize(job);
      out(fmt === 'json' ? JSON.stringify({ ...summary, plan: job.plan }, null, 2) + '\n' : REPORTERS[fmt](summary));
    });

  common(program.command('why').argument('<app>', 'function package folder').argument('<query>', 'a file (relative path) or an import specifier'))
    .description('print why a file is kept or stripped, or why an import is lazy or eager, back to the handler')
    .action(async (app: string, query: string, o: Record<string, any>) => {
      const job = await analyzeApp(jobOptions(app, o));
      const lines = why(job, query);
      if (!lines.length) {
        err(`faaslight: nothing in ${app} matches "${query}"\n`);
        exit.code = 1;
      } else out(lines.join('\n') + '\n');
    });

  return { program, exit };
}

async function registerOptional(program: Command): Promise<void> {
  // Subcommands owned by their stages register themselves; a stage that is not built yet is simply absent.
  for (const [mod, fn] of [
    ['./cli/measure.js', 'registerMeasure'],
    ['./cli/report.js', 'registerReport'],
    ['./cli/invoke.js', 'registerInvoke'],
    ['./cli/model.js', 'registerModel'],
    ['./cli/load.js', 'registerLoad'],
    ['./cli/batch.js', 'registerBatch'],
    ['./cli/compare.js', 'registerCompare'],
  ] as const) {
    try {
      const m = await import(mod);
      m[fn]?.(program);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ERR_MODULE_NOT_FOUND') throw e;
    }
  }
}

export async function main(argv: string[], io = { out: (s: string) => void process.stdout.write(s), err: (s: string) => void process.stderr.write(s) }): Promise<number> {
  const { program, exit } = buildProgram(io.out, io.err);
  await registerOptional(program);
  try {
    await program.parseAsync(argv);
    return exit.code || (process.exitCode as number | undefined) || 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return 0;
      if (e.code === 'faaslight.format') io.err(`faaslight: ${e.message}\n`);
      return 2;
    }
    if (e instanceof FaaslightError) {
      io.err(`faaslight: ${e.message}\n`);
      return e.exitCode;
    }
    io.err(`faaslight: internal error: ${(e as Error)?.stack ?? e}\n`);
    return 1;
  }
}

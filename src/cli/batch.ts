// `faaslight batch <dir> --out <results>` and `faaslight batch merge <dirs...> --out <results>`: thin
// shells over runBatch / mergeResults. Progress goes to stderr (a live status line on a terminal,
// plain lines otherwise); the table and summary to stdout. Exit 0 when every app is ok, 1 when an
// app's outputs differ, an app failed or a merged corpus misses apps, 2 for usage errors.
import os from 'node:os';
import type { Command } from 'commander';
import { UsageError } from '../diagnostics.js';
import type { BatchResults } from '../batch/types.js';
import { BATCH_FORMATS, type Cli, print } from './output.js';
import { choice, int, list } from './options.js';

export function batchExitCode(r: BatchResults): 0 | 1 {
  return r.rows.every((x) => x.status === 'ok') && r.summary.missing.length === 0 ? 0 : 1;
}

export function registerBatch(program: Command, cli: Cli): void {
  const finish = async (r: BatchResults, o: Record<string, any>, out: string) => {
    const { BATCH_REPORTERS } = await import('../batch/index.js');
    const { writeBatchReport } = await import('../batch/report.js');
    print(cli, o, r, BATCH_REPORTERS);
    const report = o.report === false ? undefined : await writeBatchReport(out);
    if (!o.json && o.format === 'text') cli.out(`results: ${out}/results.{json,csv,md}${report ? `, ${report}` : ''}\n`);
    if (batchExitCode(r)) cli.exitCode = 1;
  };

  const batch = program
    .command('batch')
    .argument('<dir>', 'folder whose sub-folders are apps (each with serverless.yml, template.yaml, faaslight.config.json or a package.json "faaslight" key)')
    .description('optimize, verify (every events/*.json, and expected/ when present) and measure every app of a folder; results as JSON, CSV and Markdown')
    .option('-o, --out <dir>', 'results folder: <out>/<app>/{opt,opt.zip,optimize.json,measure.json,result.json}, <out>/results.{json,csv,md}')
    .option('--runs <n>', 'fresh instances per side for the cold-start medians', int('--runs', 1), 10)
    .option('--warmup <n>', 'warm-up pairs left out of the statistics', int('--warmup', 0), 1)
    .option(
      '--jobs <n>',
      'apps analysed and verified at once (measurements always run one at a time)',
      int('--jobs', 1),
      Math.max(1, Math.min(4, os.availableParallelism?.() ?? 1)),
    )
    .option('--force', 're-run apps that already have a finished result in the results folder')
    .option('--shard <i/n>', 'run only shard i of n (1-based) of the apps sorted by name; combine with `faaslight batch merge`')
    .option('--only <apps>', 'only these apps (comma-separated, repeatable)', list())
    .addOption(choice('--runtime-client <kind>', 'Node runtime client', ['auto', 'ric', 'builtin'], 'auto'))
    .option('--python <path>', 'Python interpreter (run with -S)')
    .option('--memory <mb>', 'Lambda memory size (CPU share = memory / 1769 MB where cgroups or taskset allow)', int('--memory', 128))
    .option('--json', 'print the results as JSON')
    .option('--no-report', 'do not write <out>/report.html')
    .addOption(choice('--format <name>', 'table format on stdout', BATCH_FORMATS, 'text'))
    .option('--quiet', 'no progress lines')
    .action(async (dir: string, o: Record<string, any>) => {
      if (!o.out) throw new UsageError('batch needs --out <results folder>');
      const { parseShard, runBatch } = await import('../batch/index.js');
      const { progressPrinter } = await import('./batch-progress.js');
      const r = await runBatch({
        dir,
        out: o.out,
        runs: o.runs,
        warmup: o.warmup,
        jobs: o.jobs,
        force: Boolean(o.force),
        shard: o.shard ? parseShard(o.shard) : undefined,
        only: o.only,
        runtimeClient: o.runtimeClient,
        python: o.python,
        memoryMb: o.memory,
        onProgress: o.quiet ? undefined : progressPrinter(cli.err, Boolean(process.stderr.isTTY)),
      });
      await finish(r, o, o.out);
    });

  batch
    .command('merge')
    .argument('<dirs...>', 'results folders of the shards')
    .description('combine the results folders of `batch --shard` runs into one table; names the apps no shard reported')
    .option('-o, --out <dir>', 'merged results folder')
    .option('--json', 'print the results as JSON')
    .addOption(choice('--format <name>', 'table format on stdout', BATCH_FORMATS, 'text'))
    .action(async (dirs: string[], _o: Record<string, any>, cmd: Command) => {
      // `batch` has its own --out (and --json/--format): commander hands them to the parent, so read both levels.
      const o = cmd.optsWithGlobals();
      if (!o.out) throw new UsageError('batch merge needs --out <results folder>');
      const { mergeResults } = await import('../batch/index.js');
      const r = await mergeResults(dirs, o.out);
      await finish(r, o, o.out);
    });
}

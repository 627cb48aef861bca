// `faaslight batch <dir> --out <results>` and `faaslight batch merge <dirs...> --out <results>`: thin
// shells over runBatch / mergeResults. Progress goes to stderr (a live status line on a terminal,
// plain lines otherwise); the table and summary to stdout. Exit 0 when every app is ok, 1 when an
// app's outputs differ, an app failed or a merged corpus misses apps, 2 for usage errors.
import os from 'node:os';
import { Command, InvalidArgumentError, Option } from 'commander';
import { UsageError } from '../diagnostics.js';
import { BATCH_REPORTERS, mergeResults, parseShard, runBatch } from '../batch/index.js';
import { firstLine } from '../batch/format.js';
import { writeBatchReport } from '../batch/report.js';
import type { BatchProgress, BatchResults, BatchRow } from '../batch/types.js';

function int(name: string, min = 0) {
  return (v: string) => {
    if (!/^\d+$/.test(v) || Number(v) < min) throw new InvalidArgumentError(`${name} must be a whole number ≥ ${min}`);
    return Number(v);
  };
}

const list = (v: string, prev: string[] = []) => [...prev, ...v.split(',').map((s) => s.trim()).filter(Boolean)];

/** One line per finished app. */
export function rowLine(row: BatchRow, finished: number, total: number, skipped: boolean): string {
  const head = `[${finished}/${total}] ${row.app} ${row.status}${skipped ? ' (done earlier)' : ''}`;
  if (row.status === 'error') return `${head}: ${row.error?.phase}: ${firstLine(row.error?.message ?? '')}`;
  const parts: string[] = [];
  const e = row.cold?.e2e;
  if (e?.before != null && e.after != null) parts.push(`e2e ${e.before} → ${e.after} ms (×${e.ratio?.toFixed(2)})`);
  if (row.package) parts.push(`zip ${(row.package.before.zipBytes / 1e6).toFixed(2)} → ${(row.package.after.zipBytes / 1e6).toFixed(2)} MB`);
  if (row.counts) parts.push(`${row.counts.lazy + row.counts.stubbed} lazy, ${row.counts.stripped} stripped`);
  if (row.differences?.length) parts.push(`differs: ${row.differences.join(', ')}`);
  if (row.fallbackLoads.length) parts.push(`${row.fallbackLoads.length} fallback load(s)`);
  if (!skipped) parts.push(`${(row.wallMs / 1000).toFixed(1)} s`);
  return `${head}: ${parts.join(', ')}`;
}

/** Progress renderer: on a TTY a status line redrawn under the finished lines; otherwise plain lines only. */
export function progressPrinter(write: (s: string) => void, tty: boolean): (ev: BatchProgress) => void {
  const running = new Map<string, string>();
  let counter = '';
  const status = () => `${counter} ${[...running].map(([a, p]) => `${a} ${p}`).join(', ')}`.slice(0, (process.stderr.columns || 100) - 1);
  const line = (s: string) => write(tty ? `\r\x1b[K${s}\n${status()}` : `${s}\n`);
  return (ev) => {
    if (ev.type === 'start') {
      counter = `[0/${ev.total}]`;
      line(`batch: ${ev.total} app(s), ${ev.toRun} to run${ev.skipped.length ? `, ${ev.skipped.length} done earlier (--force re-runs them)` : ''}`);
    } else if (ev.type === 'phase') {
      running.set(ev.app, ev.phase === 'optimize' ? 'optimize+verify' : ev.phase);
      if (tty) write(`\r\x1b[K${status()}`);
      else write(`${ev.app}: ${ev.phase === 'optimize' ? 'optimize + verify' : 'measure'} …\n`);
    } else if (ev.type === 'measure-run') {
      running.set(ev.app, `measure ${ev.done}/${ev.total}`);
      if (tty) write(`\r\x1b[K${status()}`);
    } else {
      running.delete(ev.app);
      counter = `[${ev.finished}/${ev.total}]`;
      line(rowLine(ev.row, ev.finished, ev.total, ev.skipped));
      if (tty && ev.finished === ev.total) write('\r\x1b[K');
    }
  };
}

export function batchExitCode(r: BatchResults): 0 | 1 {
  return r.rows.every((x) => x.status === 'ok') && r.summary.missing.length === 0 ? 0 : 1;
}

function reporter(o: Record<string, any>): (r: BatchResults) => string {
  const name = o.json ? 'json' : (o.format ?? 'text');
  return BATCH_REPORTERS[name];
}

export function registerBatch(program: Command): Command {
  const io = program.configureOutput();
  const write = (s: string) => (io.writeOut ? io.writeOut(s) : process.stdout.write(s));
  const writeErr = (s: string) => (io.writeErr ? io.writeErr(s) : process.stderr.write(s));
  const formats = new Option('--format <name>', 'table format on stdout').choices(Object.keys(BATCH_REPORTERS)).default('text');
  const finish = async (r: BatchResults, o: Record<string, any>, out: string) => {
    write(reporter(o)(r));
    const report = o.report === false ? undefined : await writeBatchReport(out);
    if (!o.json && o.format === 'text') write(`results: ${out}/results.{json,csv,md}${report ? `, ${report}` : ''}\n`);
    const code = batchExitCode(r);
    if (code) process.exitCode = code;
  };

  const batch = program
    .command('batch')
    .argument('<dir>', 'folder whose sub-folders are apps (each with serverless.yml, template.yaml, faaslight.config.json or a package.json "faaslight" key)')
    .description('optimize, verify (every events/*.json, and expected/ when present) and measure every app of a folder; results as JSON, CSV and Markdown')
    .option('-o, --out <dir>', 'results folder: <out>/<app>/{opt,opt.zip,optimize.json,measure.json,result.json}, <out>/results.{json,csv,md}')
    .option('--runs <n>', 'fresh instances per side for the cold-start medians', int('--runs', 1), 10)
    .option('--warmup <n>', 'warm-up pairs left out of the statistics', int('--warmup'), 1)
    .option('--jobs <n>', 'apps analysed and verified at once (measurements always run one at a time)', int('--jobs', 1), Math.max(1, Math.min(4, os.availableParallelism?.() ?? 1)))
    .option('--force', 're-run apps that already have a finished result in the results folder')
    .option('--shard <i/n>', 'run only shard i of n (1-based) of the apps sorted by name; combine with `faaslight batch merge`')
    .option('--only <apps>', 'only these apps (comma-separated, repeatable)', list)
    .addOption(new Option('--runtime-client <kind>', 'Node runtime client').choices(['auto', 'ric', 'builtin']).default('auto'))
    .option('--python <path>', 'Python interpreter (run with -S)')
    .option('--memory <mb>', 'Lambda memory size (CPU share = memory / 1769 MB where cgroups or taskset allow)', int('--memory', 128))
    .option('--json', 'print the results as JSON')
    .option('--no-report', 'do not write <out>/report.html')
    .addOption(formats)
    .option('--quiet', 'no progress lines')
    .action(async (dir: string, o: Record<string, any>) => {
      if (!o.out) throw new UsageError('batch needs --out <results folder>');
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
        onProgress: o.quiet ? undefined : progressPrinter(writeErr, Boolean(process.stderr.isTTY)),
      });
      await finish(r, o, o.out);
    });

  batch
    .command('merge')
    .argument('<dirs...>', 'results folders of the shards')
    .description('combine the results folders of `batch --shard` runs into one table; names the apps no shard reported')
    .option('-o, --out <dir>', 'merged results folder')
    .option('--json', 'print the results as JSON')
    .addOption(new Option('--format <name>', 'table format on stdout').choices(Object.keys(BATCH_REPORTERS)).default('text'))
    .action(async (dirs: string[], _o: Record<string, any>, cmd: Command) => {
      // `batch` has its own --out (and --json/--format): commander hands them to the parent, so read both levels.
      const o = cmd.optsWithGlobals();
      if (!o.out) throw new UsageError('batch merge needs --out <results folder>');
      const r = await mergeResults(dirs, o.out);
      await finish(r, o, o.out);
    });
  return batch;
}

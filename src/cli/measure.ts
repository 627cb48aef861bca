// `faaslight measure`: a thin shell over measure(): parse options, print progress on stderr, print
// the table or the JSON, exit 0 when every run succeeded and the outputs agree, 1 otherwise,
// 2 for usage errors (thrown as UsageError, turned into the exit code by the main CLI).
import type { Command } from 'commander';
import { UsageError } from '../diagnostics.js';
import type { MeasureOptions, MeasureResult, ProgressEvent } from '../measure/types.js';
import { type Cli, print } from './output.js';
import { choice, envPair, int, seconds } from './options.js';

export function progressLine(ev: ProgressEvent): string | undefined {
  if (ev.type === 'start') return `measuring: ${ev.total} cold start(s)`;
  if (ev.type === 'profile') return `profiling ${ev.label} …`;
  const s = ev.sample;
  const what = s.error ? `FAILED ${s.error.kind}: ${s.error.message.split('\n')[0]}` : `init ${s.initMs} ms, e2e ${s.e2eMs} ms`;
  return `[${ev.done}/${ev.total}] ${ev.label} ${ev.warmup ? 'warm-up' : `run ${ev.run + 1}`}: ${what}`;
}

export function exitCodeOf(r: MeasureResult): 0 | 1 {
  const failed = r.packages.some((p) => p.summary.failed > 0);
  return failed || r.identicalOutputs === false ? 1 : 0;
}

export function registerMeasure(program: Command, cli: Cli): void {
  program
    .command('measure')
    .argument('<pkg>', 'function package: folder or .zip')
    .description(
      'measure cold starts locally against a real Lambda Runtime API (or the GCF Functions Framework): init, duration, end-to-end, memory; compare two packages with --vs',
    )
    .option('--vs <other>', 'second package (B) to compare against, run interleaved with A')
    .option('--handler <handler>', 'handler string (file.export / module.function; the function name with --platform gcf)')
    .option('--target <name>', 'GCF function name (same as --handler with --platform gcf)')
    .option('--event <file>', 'event JSON file (default: {})')
    .option('--runs <n>', 'fresh instances per package', int('--runs', 0), 10)
    .option('--warmup <n>', 'warm-up pairs left out of the statistics', int('--warmup', 0), 1)
    .option('--json', 'print the full result as JSON')
    .option('--profile', 'attribute init time to modules and packages (one extra, untimed run per package)')
    .addOption(choice('--platform <name>', 'where the function runs', ['aws', 'gcf'], 'aws'))
    .option('--memory <mb>', 'Lambda memory size: CPU share = memory / 1769 MB where cgroups or taskset allow', int('--memory', 0))
    .option('--timeout <seconds>', 'per-invoke timeout', seconds('--timeout'))
    .option('--init-timeout <seconds>', 'time allowed to reach the first /next (default 10, as on Lambda)', seconds('--init-timeout'))
    .addOption(choice('--runtime-client <kind>', 'Node runtime client', ['auto', 'ric', 'builtin'], 'auto'))
    .option('--python <path>', 'Python interpreter, run with -S (default: the sandbox default, src/sandbox/python.ts)')
    .option('--env <NAME=value>', 'extra environment variable for the function (repeatable)', envPair)
    .option('--seed <n>', 'seed of the bootstrap resampling', int('--seed', 0), 1)
    .option('--quiet', 'no progress lines')
    .action(async (pkg: string, o: Record<string, any>) => {
      if (o.platform === 'gcf' && o.handler && o.target && o.handler !== o.target) throw new UsageError('--handler and --target disagree');
      const { formatMeasureText, measure, resolveMeasureHandlers } = await import('../measure/index.js');
      const opts: MeasureOptions = {
        input: pkg,
        vs: o.vs,
        // Resolved once here through the app loader; measure() runs the specs it is given.
        ...(await resolveMeasureHandlers({ input: pkg, vs: o.vs, handler: o.platform === 'gcf' ? (o.target ?? o.handler) : o.handler, platform: o.platform })),
        event: o.event,
        runs: o.runs,
        warmup: o.warmup,
        platform: o.platform,
        memoryMb: o.memory,
        timeoutMs: o.timeout,
        initTimeoutMs: o.initTimeout,
        runtimeClient: o.runtimeClient,
        python: o.python,
        profile: Boolean(o.profile),
        seed: o.seed,
        env: o.env,
        onProgress: o.quiet
          ? undefined
          : (ev) => {
              const l = progressLine(ev);
              if (l) cli.err(`${l}\n`);
            },
      };
      const result = await measure(opts);
      print(cli, o, result, { text: formatMeasureText });
      if (exitCodeOf(result)) cli.exitCode = 1;
    });
}

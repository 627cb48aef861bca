// `faaslight load`: a thin shell over runLoad(): closed loop (--users --loops --ramp-up) or open loop
// (--rate --duration), against a local pool of Lambda instances; prints the text report or the JSON
// (kind 'faaslight.load'). Exit 0 when every request succeeded, 1 when some failed (throttling
// included), 2 for usage errors.
import type { Command } from 'commander';
import { UsageError } from '../diagnostics.js';
import type { LoadReport, Workload } from '../load/types.js';
import { type Cli, print, progress } from './output.js';
import { choice, envPair, int, nonNegative, positive } from './options.js';

export function exitCodeOfLoad(r: LoadReport): 0 | 1 {
  return r.runs.some((x) => Object.keys(x.errors).length > 0) ? 1 : 0;
}

export function registerLoad(program: Command, cli: Cli): void {
  program
    .command('load')
    .argument('<pkg>', 'function package: folder or .zip')
    .description(
      'load-test a function on a local pool of Lambda instances (real cold starts, idle expiry, throttling at a concurrency limit): throughput, goodput, errors, latency, cold starts, compared with the model; A/B with --vs',
    )
    .option('--vs <other>', 'second package (B), run after A with the same arrivals')
    .option('--handler <handler>', 'handler string (file.export)')
    .option('--event <file>', 'event JSON file (default: {})')
    .option('--users <n>', 'closed loop: concurrent users', int('--users'))
    .option('--loops <n>', 'closed loop: requests per user', int('--loops'))
    .option('--ramp-up <s>', 'closed loop: seconds over which the users start', nonNegative('--ramp-up'), 0)
    .option('--rate <r>', 'open loop: Poisson arrivals per second', positive('--rate'))
    .option('--duration <s>', 'open loop: seconds of arrivals', positive('--duration'))
    .option('--idle-timeout <s>', 'idle seconds before an instance is removed', positive('--idle-timeout'), 10)
    .option('--max-concurrency <n>', 'concurrency limit: more requests at once are throttled (429)', int('--max-concurrency'), 10)
    .option('--timeout <s>', 'per-invoke timeout, seconds', positive('--timeout'))
    .option('--init-timeout <s>', 'time allowed to reach the first /next, seconds', positive('--init-timeout'))
    .option('--max-requests <n>', 'hard bound on requests sent per package', int('--max-requests'), 5000)
    .option('--max-time <s>', 'hard bound on the run per package, seconds (then in-flight requests finish and all stops)', positive('--max-time'), 300)
    .option('--seed <n>', 'seed of the Poisson arrivals and the simulation', int('--seed'), 1)
    .addOption(choice('--runtime-client <kind>', 'Node runtime client', ['auto', 'ric', 'builtin'], 'auto'))
    .option('--python <path>', 'Python interpreter, run with -S (default: the sandbox default, src/sandbox/python.ts)')
    .option('--memory <mb>', 'AWS_LAMBDA_FUNCTION_MEMORY_SIZE seen by the function', int('--memory'))
    .option('--env <NAME=value>', 'extra environment variable for the function (repeatable)', envPair)
    .option('--records', 'include every request in the JSON')
    .option('--no-model', 'skip the comparison with the model')
    .option('--json', 'print the result as JSON')
    .option('--quiet', 'no progress lines')
    .action(async (pkg: string, o: Record<string, any>) => {
      const closed = o.users !== undefined || o.loops !== undefined;
      const open = o.rate !== undefined || o.duration !== undefined;
      if (closed === open) throw new UsageError('choose one workload: --users N --loops M [--ramp-up S] (closed loop) or --rate R --duration S (open loop)');
      let workload: Workload;
      if (closed) {
        if (o.users === undefined || o.loops === undefined) throw new UsageError('closed loop needs both --users and --loops');
        workload = { kind: 'closed', users: o.users, loops: o.loops, rampUpMs: Math.round(o.rampUp * 1000) };
      } else {
        if (o.rate === undefined || o.duration === undefined) throw new UsageError('open loop needs both --rate and --duration');
        workload = { kind: 'open', rate: o.rate, durationMs: Math.round(o.duration * 1000) };
      }
      const { formatLoadText, runLoad } = await import('../load/index.js');
      const report = await runLoad({
        input: pkg,
        vs: o.vs,
        handler: o.handler,
        event: o.event,
        workload,
        idleTimeoutMs: Math.round(o.idleTimeout * 1000),
        maxConcurrency: o.maxConcurrency,
        timeoutMs: o.timeout !== undefined ? Math.round(o.timeout * 1000) : undefined,
        initTimeoutMs: o.initTimeout !== undefined ? Math.round(o.initTimeout * 1000) : undefined,
        maxRequests: o.maxRequests,
        maxTimeMs: Math.round(o.maxTime * 1000),
        seed: o.seed,
        runtimeClient: o.runtimeClient,
        python: o.python,
        memoryMb: o.memory,
        env: o.env,
        records: Boolean(o.records),
        noModel: o.model === false,
        onProgress: progress(cli, o),
      });
      print(cli, o, report, { text: formatLoadText });
      if (exitCodeOfLoad(report)) cli.exitCode = 1;
    });
}

// `faaslight model`: a thin shell over buildModelReport(): service times from the command line or
// from a measurement (--from), arrival rates from --arrival-rate or --sweep, the simulation with
// --simulate; prints the table or the JSON (kind 'faaslight.model'). Bad input is a usage error (2).
import path from 'node:path';
import { type Command, InvalidArgumentError } from 'commander';
import { UsageError } from '../diagnostics.js';
import { DEFAULT_PRICES } from '../model/cost.js';
import type { ServiceTimes } from '../model/types.js';
import { type Cli, print } from './output.js';
import { choice, int, list, nonNegative, positive } from './options.js';

/** "from:to:points", a geometric sweep: parsed here, expanded to rates by the model when the action runs. */
function sweep(v: string): { from: number; to: number; points: number } {
  const m = /^([^:]+):([^:]+):(\d+)$/.exec(v);
  if (!m) throw new InvalidArgumentError('use from:to:points, e.g. 0.01:100:21');
  const from = positive('sweep start')(m[1]);
  const to = positive('sweep end')(m[2]);
  const points = Number(m[3]);
  if (to <= from || points < 2 || points > 500) throw new InvalidArgumentError('need from < to and 2 to 500 points');
  return { from, to, points };
}

export function registerModel(program: Command, cli: Cli): void {
  program
    .command('model')
    .description(
      'predict cold-start probability, response time, instance counts and cost under Poisson load (pacsltk steady-state model; --simulate cross-checks it), from given service times or from a measurement (--from)',
    )
    .option('--arrival-rate <r>', 'requests per second (comma list or repeatable)', list(positive('--arrival-rate')))
    .option('--sweep <from:to:points>', 'geometric sweep of arrival rates (the curves as data)', sweep)
    .option('--warm <s>', 'warm service time, seconds', positive('--warm'))
    .option('--cold <s>', 'cold service time (init + invoke), seconds', positive('--cold'))
    .option('--init <s>', 'init part of the cold time, seconds (only for the cost when init is not billed)', nonNegative('--init'))
    .option('--idle-timeout <s>', 'idle time before an instance is removed, seconds ("inf" for never)', positive('--idle-timeout', true))
    .option('--max-concurrency <n>', 'concurrency limit (requests beyond it are throttled)', int('--max-concurrency'), 1000)
    .option('--from <file>', 'faaslight measure --json result (or a batch result holding one): original and optimized times')
    .addOption(choice('--stat <which>', 'with --from: statistic of the runs to use', ['mean', 'median'], 'mean'))
    .option('--app <part>', 'with --from on a file holding several results: the one whose package path contains this')
    .option('--gb-second-price <usd>', 'USD per GB-second', nonNegative('--gb-second-price'), DEFAULT_PRICES.gbSecond)
    .option('--request-price <usd>', 'USD per request', nonNegative('--request-price'), DEFAULT_PRICES.request)
    .option('--memory <mb>', 'memory size for the cost, MB', int('--memory'), DEFAULT_PRICES.memoryMb)
    .option('--no-init-billed', 'do not bill the init phase of a cold start')
    .option('--simulate', 'also run the discrete-event simulation of the same system')
    .option('--seed <n>', 'simulation seed', int('--seed'), 1)
    .option('--horizon <s>', 'simulated seconds (default: ~200k arrivals, at most a day)', positive('--horizon'))
    .addOption(choice('--routing <policy>', 'simulation: which idle instance takes a request', ['oldest', 'newest'], 'oldest'))
    .addOption(choice('--service <dist>', 'simulation: service time distribution', ['exponential', 'deterministic'], 'exponential'))
    .option('--json', 'print the result as JSON')
    .action(async (o: Record<string, any>) => {
      if (o.idleTimeout === undefined) throw new UsageError('--idle-timeout is required (seconds; "inf" for never)');
      const { buildModelReport, formatModelText, serviceTimesFrom, sweepRates, validateInputs } = await import('../model/index.js');
      const arrivalRates: number[] = [...(o.arrivalRate ?? []), ...(o.sweep ? sweepRates(o.sweep.from, o.sweep.to, o.sweep.points) : [])];
      if (!arrivalRates.length) throw new UsageError('give --arrival-rate <r> or --sweep from:to:points');
      let sides: ServiceTimes[];
      let source: string;
      let app: string | undefined;
      if (o.from) {
        if (o.warm !== undefined || o.cold !== undefined) throw new UsageError('--from takes the times from the measurement: drop --warm/--cold');
        sides = await serviceTimesFrom(o.from, o.app, o.stat);
        source = o.from;
        app = sides[0].input ? path.basename(path.resolve(sides[0].input)) : undefined;
      } else {
        if (o.warm === undefined || o.cold === undefined) throw new UsageError('give --warm and --cold (seconds), or --from <measure result>');
        if (o.init !== undefined && o.init > o.cold) throw new UsageError('--init cannot exceed --cold');
        sides = [{ label: 'function', warm: o.warm, cold: o.cold, init: o.init ?? o.cold - o.warm, source: 'command line' }];
        source = 'command line';
      }
      for (const s of sides) {
        const bad = validateInputs({ arrivalRate: arrivalRates[0], warm: s.warm, cold: s.cold, idleTimeout: o.idleTimeout, maxConcurrency: o.maxConcurrency });
        if (bad) throw new UsageError(bad);
      }
      const report = buildModelReport({
        arrivalRates,
        idleTimeout: o.idleTimeout,
        maxConcurrency: o.maxConcurrency,
        sides,
        source,
        app,
        prices: { gbSecond: o.gbSecondPrice, request: o.requestPrice, memoryMb: o.memory, initBilled: o.initBilled !== false },
        simulate: o.simulate ? { seed: o.seed, horizon: o.horizon, routing: o.routing, service: o.service } : undefined,
      });
      print(cli, o, report, { text: formatModelText });
    });
}

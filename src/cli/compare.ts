// `faaslight compare <app>`: a thin shell over compare(): builds (a)-(d) (and extras), verifies them,
// measures them interleaved, prints the table or the JSON; exit 1 when (d) does not give the original's
// outputs on every event.
import fs from 'node:fs';
import { writeReport } from '../report/html/index.js';
import { Command, InvalidArgumentError } from 'commander';
import { compare, formatCompareText, EXTRA_VARIANTS, type VariantName } from '../compare/index.js';

const collect = (v: string, prev: string[] = []) => [...prev, v];
const int = (name: string) => (v: string) => {
  if (!/^\d+$/.test(v)) throw new InvalidArgumentError(`${name} must be a whole number`);
  return Number(v);
};

export function registerCompare(program: Command): Command {
  const io = program.configureOutput();
  const write = (s: string) => (io.writeOut ? io.writeOut(s) : process.stdout.write(s));
  const writeErr = (s: string) => (io.writeErr ? io.writeErr(s) : process.stderr.write(s));
  return program
    .command('compare')
    .argument('<app>', 'function package folder')
    .description('build (a) original, (b) plain esbuild bundle, (c) faaslight lazy, (d) faaslight --bundle; verify each on the events; measure their cold starts interleaved')
    .option('--handler <file.export>', 'handler string (repeatable)', collect)
    .option('--events <glob>', 'event files (repeatable; default <app>/events/*.json)', collect)
    .option('--runs <n>', 'measured rounds (each round: every variant once)', int('--runs'), 10)
    .option('--warmup <n>', 'warm-up rounds left out', int('--warmup'), 1)
    .option('--node-version <version>', 'target Node.js version')
    .option('--extra <variant>', `extra variant to build and measure (repeatable): ${EXTRA_VARIANTS.join(', ')}`, collect)
    .option('--work <dir>', 'build the variants here and keep them (default: a temporary folder)')
    .option('--out <file>', 'also write the JSON result to this file (and <file>.report.html next to it)')
    .option('--no-report', 'with --out: do not write the HTML report')
    .option('--json', 'print the JSON result')
    .option('--quiet', 'no progress lines')
    .action(async (app: string, o: Record<string, any>) => {
      for (const x of o.extra ?? []) if (!EXTRA_VARIANTS.includes(x)) throw new InvalidArgumentError(`unknown --extra ${x}`);
      const result = await compare({
        input: app,
        handlers: o.handler,
        events: o.events,
        runs: o.runs,
        warmup: o.warmup,
        nodeVersion: o.nodeVersion,
        extra: o.extra as VariantName[] | undefined,
        work: o.work,
        onProgress: o.quiet ? undefined : (l) => writeErr(`${l}\n`),
      });
      if (o.out) {
        fs.writeFileSync(o.out, `${JSON.stringify(result, null, 2)}\n`);
        // The HTML report goes next to the JSON unless --no-report.
        if (o.report !== false) await writeReport([o.out], o.out.replace(/\.json$/i, '') + '.report.html');
      }
      write(o.json ? `${JSON.stringify(result, null, 2)}\n` : formatCompareText(result));
      if (!result.variants.find((v) => v.name === 'bundle')?.works) process.exitCode = 1;
    });
}

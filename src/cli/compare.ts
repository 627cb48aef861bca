// `faaslight compare <app>`: a thin shell over compare(): builds (a)-(d) (and extras), verifies them,
// measures them interleaved, prints the table or the JSON; exit 1 when (d) does not give the original's
// outputs on every event.
import fs from 'node:fs';
import type { Command } from 'commander';
import type { VariantName } from '../compare/index.js';
import { type Cli, print, progress, toJson } from './output.js';
import { int, list, oneOf, repeat } from './options.js';

/** compare's EXTRA_VARIANTS, named here so that the help loads without the compare module (a test holds them equal). */
export const EXTRA: readonly VariantName[] = ['esbuild-minify', 'bundle-minify', 'bundle-cache'];

export function registerCompare(program: Command, cli: Cli): void {
  program
    .command('compare')
    .argument('<app>', 'function package folder')
    .description(
      'build (a) original, (b) plain esbuild bundle, (c) faaslight lazy, (d) faaslight --bundle; verify each on the events; measure their cold starts interleaved',
    )
    .option('--handler <file.export>', 'handler string (repeatable)', repeat)
    .option('--events <glob>', 'event files (repeatable; default <app>/events/*.json)', repeat)
    .option('--runs <n>', 'measured rounds (each round: every variant once)', int('--runs', 0), 10)
    .option('--warmup <n>', 'warm-up rounds left out', int('--warmup', 0), 1)
    .option('--node-version <version>', 'target Node.js version')
    .option('--extra <variant>', `extra variant to build and measure (comma-separated, repeatable): ${EXTRA.join(', ')}`, list(oneOf('--extra', EXTRA)))
    .option('--work <dir>', 'build the variants here and keep them (default: a temporary folder)')
    .option('--out <file>', 'also write the JSON result to this file (and <file>.report.html next to it)')
    .option('--no-report', 'with --out: do not write the HTML report')
    .option('--json', 'print the JSON result')
    .option('--quiet', 'no progress lines')
    .action(async (app: string, o: Record<string, any>) => {
      const { compare, formatCompareText } = await import('../compare/index.js');
      const result = await compare({
        input: app,
        handlers: o.handler,
        events: o.events,
        runs: o.runs,
        warmup: o.warmup,
        nodeVersion: o.nodeVersion,
        extra: o.extra,
        work: o.work,
        onProgress: progress(cli, o),
      });
      if (o.out) {
        fs.writeFileSync(o.out, toJson(result));
        // The HTML report goes next to the JSON unless --no-report.
        if (o.report !== false) {
          const { writeReport } = await import('../report/html/index.js');
          await writeReport([o.out], `${o.out.replace(/\.json$/i, '')}.report.html`);
        }
      }
      print(cli, o, result, { text: formatCompareText });
      if (!result.variants.find((v) => v.name === 'bundle')?.works) cli.exitCode = 1;
    });
}

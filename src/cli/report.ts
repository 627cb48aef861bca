// `faaslight report <results...> --out report.html`: a thin shell over writeReport().
import type { Command } from 'commander';
import { UsageError } from '../diagnostics.js';
import type { Cli } from './output.js';

export function registerReport(program: Command, cli: Cli): void {
  program
    .command('report')
    .argument('<results...>', 'JSON written by optimize --json, measure --json, batch, compare, invoke or model (kind told by its shape)')
    .description('build one self-contained HTML report (charts, sortable tables, the plan) from result files; no network needed to open it')
    .option('-o, --out <file>', 'HTML file to write', 'report.html')
    .option('--title <text>', 'page title')
    .action(async (results: string[], o: Record<string, any>) => {
      if (!String(o.out).endsWith('.html')) throw new UsageError(`--out ${o.out}: give a .html file name`);
      const { writeReport } = await import('../report/html/index.js');
      const { formatBytes } = await import('../report/reporters.js');
      const r = await writeReport(results, o.out, { title: o.title });
      cli.out(`report: ${r.out} (${formatBytes(r.bytes)}) from ${r.kinds.map((k) => k.replace('faaslight.', '')).join(', ')}\n`);
    });
}

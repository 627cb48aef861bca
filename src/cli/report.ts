// `faaslight report <results...> --out report.html`: a thin shell over writeReport().
import type { Command } from 'commander';
import { writeReport } from '../report/html/index.js';
import { UsageError } from '../diagnostics.js';
import { formatBytes } from '../report/reporters.js';

export function registerReport(program: Command): Command {
  const io = program.configureOutput();
  const write = (s: string) => (io.writeOut ? io.writeOut(s) : process.stdout.write(s));
  return program
    .command('report')
    .argument('<results...>', 'JSON written by optimize --json, measure --json, batch, compare, invoke or model (kind told by its shape)')
    .description('build one self-contained HTML report (charts, sortable tables, the plan) from result files; no network needed to open it')
    .option('-o, --out <file>', 'HTML file to write', 'report.html')
    .option('--title <text>', 'page title')
    .action(async (results: string[], o: Record<string, any>) => {
      if (!String(o.out).endsWith('.html')) throw new UsageError(`--out ${o.out}: give a .html file name`);
      const r = await writeReport(results, o.out, { title: o.title });
      write(`report: ${r.out} (${formatBytes(r.bytes)}) from ${r.kinds.map((k) => k.replace('faaslight.', '')).join(', ')}\n`);
    });
}

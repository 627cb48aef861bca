// Progress of `faaslight batch` on stderr: on a terminal a status line redrawn under the finished
// lines, plain lines otherwise. Loaded by the batch action, not by the help.
import { firstLine } from '../batch/format.js';
import type { BatchProgress, BatchRow } from '../batch/types.js';

/** One line per finished app. */
function rowLine(row: BatchRow, finished: number, total: number, skipped: boolean): string {
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

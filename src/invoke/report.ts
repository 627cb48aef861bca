// Text report of cloud results: the measurement table, plus what only a cloud run has (client-side
// latency, cost, dropped samples, retries). Pure: results in, text out.
import { formatMeasureText } from '../measure/report.js';
import type { MeasureResult, PackageSummary } from '../measure/types.js';
import type { Summary } from '../measure/stats.js';

const fmt = (s: Summary | null | undefined, unit: string, digits = 1) => (s ? `${s.median.toFixed(digits)}${unit}` : '–');

function line(name: string, pkgs: PackageSummary[], pick: (p: PackageSummary) => Summary | null | undefined, unit: string, digits = 1): string {
  const cells = pkgs.map((p) => fmt(pick(p), unit, digits).padStart(14));
  const [a, b] = pkgs.map((p) => pick(p)?.median);
  const ratio = a && b !== undefined ? (b / a).toFixed(2).padStart(6) : '';
  return `${name.padEnd(34)}${cells.join('')}${ratio}`;
}

export function formatInvokeText(results: MeasureResult[]): string {
  const out: string[] = [];
  for (const r of results) {
    const c = r.cloud;
    const text = formatMeasureText(r).replace(/^faaslight measure: /, 'faaslight invoke: ');
    out.push((c ? text.replace(/^(faaslight invoke: \w+, \w+) \(\?\)/, `$1 (${c.runtimeId})`) : text).trimEnd());
    if (c) {
      const pkgs = r.packages.map((p) => p.summary);
      out.push(
        '',
        `${''.padEnd(34)}${r.packages.map((p) => p.label.padStart(14)).join('')}${r.packages.length === 2 ? '   B/A' : ''}`,
        line('client-side cold call (median)', pkgs, (p) => p.clientMs, ' ms'),
        line('client-side warm call (median)', pkgs, (p) => p.warmClientMs, ' ms'),
        line('cost per 1M cold invocations', pkgs, (p) => p.coldCostPerMillionUsd, ' $', 2),
        line('cost per 1M warm invocations', pkgs, (p) => p.warmCostPerMillionUsd, ' $', 2),
        '',
        `${c.provider} ${c.region}${c.endpoint ? ` via ${c.endpoint}` : ''}${c.project ? ` project ${c.project}` : ''}: A = ${c.functions.A}, B = ${c.functions.B} (${c.runtimeId}${c.architecture ? `, ${c.architecture}` : ''}), ${c.cleanedUp ? 'deleted afterwards' : 'kept'}`,
        `dropped: ${c.droppedCold} cold sample(s) without a new instance, ${c.droppedWarm} warm sample(s) on a new instance; throttled and retried: ${c.throttleRetries}`,
      );
    }
    out.push('');
  }
  return out.join('\n');
}

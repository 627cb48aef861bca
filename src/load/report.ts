// Text reporter of a load run: one block per package, then the model comparison and the A/B ratios.
import type { LatencySummary, LoadReport, LoadRun } from './types.js';

const lat = (l: LatencySummary | null) => (l ? `p50 ${l.p50} ms, p90 ${l.p90} ms, p99 ${l.p99} ms, mean ${l.mean} ms (n=${l.n})` : 'none');
const pct = (x: number) => `${(x * 100).toPrecision(3)}%`;

/** Instances over time as one line of counts per tenth of the run (the highest count in each slice). */
function sparkline(run: LoadRun): string {
  const pts = run.instancesOverTime;
  if (!pts.length || run.wallMs <= 0) return '';
  const slices = 10;
  const out: number[] = [];
  for (let s = 0; s < slices; s++) {
    const from = (s * run.wallMs) / slices;
    const to = ((s + 1) * run.wallMs) / slices;
    const before = pts.filter((p) => p.t <= from).at(-1);
    const inside = pts.filter((p) => p.t > from && p.t <= to);
    out.push(Math.max(before?.instances ?? 0, ...inside.map((p) => p.instances)));
  }
  return out.join(' ');
}

function block(r: LoadRun): string[] {
  const errs =
    Object.entries(r.errors)
      .map(([k, n]) => `${k} ${n}`)
      .join(', ') || 'none';
  const out = [
    `${r.label}: ${r.input} (${r.handler.handler}, ${r.runtimeClient})`,
    `  requests ${r.requests} in ${(r.wallMs / 1000).toFixed(1)} s: throughput ${r.throughput}/s, goodput ${r.goodput}/s`,
    `  errors: ${errs}`,
    `  latency (ok): ${lat(r.latency.all)}`,
    `    warm: ${lat(r.latency.warm)}`,
    `    cold: ${lat(r.latency.cold)}`,
    `  cold starts ${r.coldStarts} (${pct(r.coldFraction)} of requests), instances expired ${r.expired}, at most ${r.maxInstances} instances`,
    `  instances over time (max per tenth of the run): ${sparkline(r)}`,
    `  service (server side, mean): warm ${r.service.warmMs ?? 'n/a'} ms, cold ${r.service.coldMs ?? 'n/a'} ms (init ${r.service.initMs ?? 'n/a'} ms)`,
  ];
  const m = r.model;
  if (m) {
    out.push(
      `  model (λ ${m.inputs.arrivalRate.toPrecision(4)}/s, warm ${(m.inputs.warm * 1000).toPrecision(4)} ms, cold ${(m.inputs.cold * 1000).toPrecision(4)} ms, idle timeout ${m.inputs.idleTimeout} s):`,
      `    cold-start fraction: measured ${pct(m.measured.coldFraction)}, steady-state model ${pct(m.predicted.coldProbability)}, simulated over this run from empty ${pct(m.simulatedRun.coldProbability)}`,
      `    mean latency: measured ${(m.measured.meanLatency * 1000).toPrecision(4)} ms, model ${(m.predicted.meanResponseTime * 1000).toPrecision(4)} ms, simulated run ${(m.simulatedRun.meanResponseTime * 1000).toPrecision(4)} ms`,
    );
    if (m.predicted.rejectionProbability > 0 || m.measured.rejectionFraction > 0)
      out.push(`    throttled: measured ${pct(m.measured.rejectionFraction)}, model ${pct(m.predicted.rejectionProbability)}`);
    for (const n of m.notes) out.push(`    note: ${n}`);
  }
  return out;
}

export function formatLoadText(rep: LoadReport): string {
  const w = rep.workload;
  const head =
    w.kind === 'closed'
      ? `closed loop: ${w.users} users × ${w.loops} requests, ramp-up ${w.rampUpMs / 1000} s`
      : `open loop: Poisson ${w.rate}/s for ${w.durationMs / 1000} s`;
  const out = [`${head}; idle timeout ${rep.idleTimeoutMs / 1000} s, concurrency limit ${rep.maxConcurrency}, event ${rep.event}`, ''];
  for (const r of rep.runs) out.push(...block(r), '');
  if (rep.comparison) {
    const c = rep.comparison;
    out.push(
      `B/A: goodput ${c.goodputRatio}, mean latency ${c.meanLatencyRatio ?? 'n/a'}, p99 ${c.p99Ratio ?? 'n/a'}, cold-request latency ${c.coldMeanRatio ?? 'n/a'}`,
    );
  }
  for (const n of rep.notes) out.push(`note: ${n}`);
  return `${out.join('\n')}\n`;
}

// Cloud samples → the measurement result format (MeasureResult), so the batch runner and the report
// read cloud and local runs alike. Summaries, the A/B interval and the output check are the ones
// `faaslight measure` uses.
import os from 'node:os';
import type { InvokeResults } from '../report/html/types.js';
import type { Diagnostic, HandlerSpec, Runtime } from '../types.js';
import { compare, outputAgreement, packageSummary } from '../measure/index.js';
import { summarize } from '../measure/stats.js';
import { diag } from '../diagnostics.js';
import type { CloudRun, MeasureResult, PackageMeasurement, PackageSummary, Sample } from '../measure/types.js';

export interface CloudPackageRun {
  label: 'A' | 'B';
  input: string;
  handler: HandlerSpec;
  warmup: Sample[];
  samples: Sample[];
}

export interface CloudResultInput {
  runtime: Runtime;
  event: string;
  runs: number;
  warmupRuns: number;
  memoryMb: number;
  timeoutMs: number;
  initTimeoutMs: number;
  packages: CloudPackageRun[];
  notes: string[];
  diagnostics: Diagnostic[];
  cloud: CloudRun;
  startedAt: string;
  t0: number;
  seed?: number;
}

export function cloudSummary(samples: Sample[]): PackageSummary {
  const ok = samples.filter((s) => !s.error);
  const pick = (f: (s: Sample) => number | null | undefined) => summarize(ok.map(f));
  return {
    ...packageSummary(samples),
    clientMs: pick((s) => s.cloud?.clientMs),
    warmClientMs: pick((s) => s.cloud?.warmClientMs),
    coldCostPerMillionUsd: pick((s) => s.cloud?.coldCostPerMillionUsd),
    warmCostPerMillionUsd: pick((s) => s.cloud?.warmCostPerMillionUsd),
  };
}

export function buildCloudResult(r: CloudResultInput): MeasureResult {
  const packages: PackageMeasurement[] = r.packages.map((p) => ({
    label: p.label,
    input: p.input,
    handler: p.handler,
    runtimeClient: null,
    warmup: p.warmup,
    samples: p.samples,
    summary: cloudSummary(p.samples),
  }));
  const diagnostics = [...r.diagnostics];
  const [a, b] = packages;
  const agreement = b ? outputAgreement(a.samples, b.samples) : { identicalOutputs: null, outputDifferences: [] };
  if (agreement.identicalOutputs === false)
    diagnostics.push(
      diag('FL301', 'error', `A and B answered differently on run(s) ${agreement.outputDifferences.join(', ')}`, {
        note: 'compare the outputs in the JSON result',
      }),
    );
  const comparison = b ? compare(a, b, r.seed ?? 1) : undefined;
  return {
    kind: 'faaslight.measure',
    version: 1,
    platform: r.cloud.provider,
    runtime: r.runtime,
    event: r.event,
    runs: r.runs,
    warmupRuns: r.warmupRuns,
    memoryMb: r.memoryMb,
    timeoutMs: r.timeoutMs,
    initTimeoutMs: r.initTimeoutMs,
    cpu: {
      applied: 'none',
      detail:
        r.cloud.provider === 'aws'
          ? `allotted by AWS Lambda (${r.memoryMb} MB → memory / 1769 MB vCPU)`
          : `allotted by Cloud Run functions for ${r.memoryMb} MB`,
    },
    packages,
    ...(comparison ? { comparison } : {}),
    identicalOutputs: agreement.identicalOutputs,
    outputDifferences: agreement.outputDifferences,
    notes: r.notes,
    diagnostics,
    machine: { cpus: os.availableParallelism?.() ?? os.cpus().length, node: process.version, platform: `${os.platform()} ${os.release()}` },
    startedAt: r.startedAt,
    wallMs: Math.round(performance.now() - r.t0),
    cloud: r.cloud,
  };
}

/**
 * What `faaslight invoke --json` prints: one measure-format result per memory size, wrapped so the
 * report can tell a cloud sweep from a local measurement.
 */
export function invokeResults(results: MeasureResult[]): InvokeResults {
  const first = results[0];
  return {
    kind: 'faaslight.invoke',
    version: 1,
    provider: (first?.cloud?.provider ?? first?.platform ?? 'aws') as 'aws' | 'gcf',
    region: first?.cloud?.region,
    results: results.map((r) => ({
      ...r,
      memoryMb: r.memoryMb ?? r.packages[0]?.samples.find((x) => x.cloud)?.cloud?.memorySizeMb ?? 0,
      cost: r.packages.map((p) => ({
        label: p.label,
        coldUsd: (p.summary.coldCostPerMillionUsd?.median ?? 0) / 1e6,
        warmUsd: (p.summary.warmCostPerMillionUsd?.median ?? 0) / 1e6,
      })),
    })),
  };
}

// `faaslight invoke`: the original and the optimized package deployed side by side on AWS Lambda
// or Google Cloud Functions, cold and warm starts measured there, results in the format of
// `faaslight measure` (one MeasureResult per memory size).
import { UsageError } from '../diagnostics.js';
import type { MeasureResult } from '../measure/types.js';
import { invokeAws } from './aws/run.js';
import { invokeGcf } from './gcf/run.js';
import { preparePackages } from './prepare.js';
import type { InvokeOptions } from './types.js';

export type { InvokeOptions } from './types.js';
export { LocalLambdaEndpoint, type LocalEndpointOptions, type Fault } from './aws/local-endpoint.js';
export { parseReport, decodeLogTail, type ReportLine } from './aws/report-line.js';
export { formatInvokeText } from './report.js';
export { awsPricing, costPerMillion } from './pricing.js';

export async function invoke(opts: InvokeOptions): Promise<MeasureResult[]> {
  if (opts.provider !== 'aws' && opts.provider !== 'gcf') throw new UsageError(`--provider must be aws or gcf, got ${opts.provider}`);
  const runs = opts.runs ?? 10;
  const warmup = opts.warmup ?? 1;
  if (!Number.isInteger(runs) || runs < 1) throw new UsageError(`--runs must be a positive integer, got ${opts.runs}`);
  if (!Number.isInteger(warmup) || warmup < 0) throw new UsageError(`--warmup must be a non-negative integer, got ${opts.warmup}`);
  const prepared = await preparePackages(opts);
  try {
    return opts.provider === 'aws' ? await invokeAws(opts, prepared) : await invokeGcf(opts, prepared);
  } finally {
    await prepared.dispose();
  }
}

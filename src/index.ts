// Library API: the CLI is a thin shell over these; tests and other tools call them directly.
export { analyzeApp, optimizeApp, nodeVersionFor, type OptimizeResult } from './pipeline.js';
export { createJob, type Job, type LoadedJob, type AnalyzedJob, type OptimizedJob, type JobOptions } from './job.js';
export { loadApp } from './app/index.js';
export { withAppInput, checkZip, ZIP_LIMITS, type AppInput } from './app/zip-input.js';
export { makePlan, initClosure } from './plan/plan.js';
export { supportsRequireEsm } from './lang/js/imports.js';
export { languageFor, type LanguageAdapter } from './lang/index.js';
export { summarize, type OptimizeSummary } from './report/summary.js';
export { REPORTERS } from './report/reporters.js';
export { why } from './report/why.js';
export { DIAGNOSTICS, FaaslightError, UsageError } from './diagnostics.js';
export type * from './types.js';
export { runBatch, mergeResults, summarizeRows, summaryLine, BATCH_REPORTERS } from './batch/index.js';
export type { BatchOptions, BatchResults, BatchRow, BatchSummary } from './batch/index.js';

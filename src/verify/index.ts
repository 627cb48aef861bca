export { verify, verifyDiagnostics, sameOutcome, fallbackLoads } from './verify.js';
export { runHandler, harnessCommand, parseResult, type HarnessOutcome, type RunOptions } from './run.js';
export { expandEvents, eventLabels } from './events.js';
export { runtimeFile, faaslightRoot } from './harness.js';

export { verify, verifyDiagnostics, sameOutcome, fallbackLoads } from './verify.js';
export { expandEvents, eventLabels } from './events.js';
export type { HarnessOutcome } from '../sandbox/index.js';

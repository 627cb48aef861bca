// What a sandboxed run is and how it fails: plain JSON shapes, shared by every runner of a handler
// child (measure, load, compare, the local Lambda endpoint) and the results they write.

/** What ran the handler: the real AWS Node runtime client, our built-in Node bootstrap, the Python bootstrap, or the Functions Framework. */
export type RuntimeClientKind = 'ric' | 'builtin' | 'python' | 'functions-framework';
export type RuntimeClientChoice = 'auto' | 'ric' | 'builtin';

export type RunErrorKind =
  | 'invalid-event' // the event is not JSON: nothing was started
  | 'unpack' // corrupt zip, zip-slip entry, unreadable folder
  | 'spawn' // the runtime binary could not be started (missing python …)
  | 'init-error' // the runtime posted /runtime/init/error (handler threw at load, handler not found …)
  | 'init-timeout' // the runtime never called /next (or never listened, for GCF) within the init timeout
  | 'handler-error' // the runtime posted /invocation/{id}/error, or the HTTP function answered ≥ 500
  | 'timeout' // the handler did not answer within --timeout: the process was killed
  | 'crash'; // the process exited before answering

export interface RunError {
  kind: RunErrorKind;
  message: string;
  /** Lambda's errorType ("Runtime.ImportModuleError", "TypeError" …) when the runtime reported one. */
  errorType?: string;
  /** Which invoke failed: the cold one or the warm one. */
  phase?: 'unpack' | 'init' | 'invoke' | 'warm';
  exitCode?: number | null;
  signal?: string | null;
  /** Last lines of the runtime's stderr (and stdout), for the report. */
  stderrTail?: string;
}

export interface CpuLimit {
  /** What was actually applied to the runtime processes. */
  applied: 'none' | 'cgroup-v2' | 'cgroup-v1' | 'taskset';
  /** vCPU share Lambda would give at this memory size (memory / 1769 MB). */
  vcpus?: number;
  detail: string;
}

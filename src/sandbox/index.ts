// The sandbox: the one place that starts a handler's code in a child process, in a clean, Lambda-like
// environment (no inherited NODE_OPTIONS, NODE_EXTRA_CA_CERTS, PYTHONPATH …; Lambda's variables and V8 flags
// for the memory size; a fresh task root and /tmp). Whatever runs a handler takes its resolved HandlerSpec;
// the Python interpreter is a `python` option everywhere, defaulting to the target's (python.ts pythonFor).
// Outside this folder, only tools that run no package code spawn (compileall, the stdlib listing).
//   runHandler      one event through the invoke harness (verify, trace)
//   startRuntime    a runtime process against its own local Runtime API (measure, load, the local endpoint)
//   startGcf        the Functions Framework on a free port (measure --platform gcf)
//   runNodeScript / runPythonScript   a one-off script in the package's environment (code cache, Python trace)
export { lambdaEnv, DEFAULT_MEMORY_MB } from './env.js';
export { DEFAULT_PYTHON, pythonFor, pythonVersion } from './python.js';
export { runtimeFile, faaslightRoot } from './runtime-files.js';
export {
  runHandler,
  harnessCommand,
  parseResult,
  DEFAULT_TIMEOUT_MS,
  HARNESS_ERROR,
  TIMEOUT_ERROR,
  type HarnessOutcome,
  type RunOptions,
} from './harness.js';
export {
  awsLaunch,
  gcfLaunch,
  findRic,
  ricCacheDir,
  resolveRuntimeClient,
  lambdaNodeFlags,
  lambdaV8Flags,
  runtimeV8Flags,
  type LaunchOptions,
  type LaunchSpec,
} from './launch.js';
export { runNodeScript, runPythonScript, type NodeScript } from './script.js';
export { startRuntime, awaitInit, startGcf, type RuntimeStart, type RuntimeInstance, type InitEnd } from './runtime.js';
export { startInstance, killInstance, peakRssKb, processTree, TailBuffer, type Instance } from './proc.js';
export { RuntimeApiServer, type InvocationTiming, type PostedResult } from './runtime-api.js';
export { isZip, makeBase, removeBase, unpackInto, type TaskRoot } from './taskroot.js';
export { lambdaVcpus, prepareLimits, MB_PER_VCPU, type Limits } from './limits.js';
export { firstOf, exitError, postedOutput, postedError } from './outcome.js';
export type { CpuLimit, RunError, RunErrorKind, RuntimeClientChoice, RuntimeClientKind } from './types.js';

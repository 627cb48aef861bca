// A runtime instance in a task root: the process started by a LaunchSpec with the Lambda-like
// environment, against its own local Runtime API (AWS style) or listening on a free port (GCF).
// The event that starts an AWS instance is queued before the spawn, as on Lambda where the invoke
// is what starts the instance, so it is handed out on the first GET /next. Measure, load and the
// local Lambda endpoint start their instances here and keep their own protocols around them.
import type { HandlerSpec } from '../types.js';
import { lambdaEnv } from './env.js';
import type { LaunchSpec } from './launch.js';
import type { Limits } from './limits.js';
import { firstOf } from './outcome.js';
import { startInstance, type Instance } from './proc.js';
import { RuntimeApiServer, type InvocationTiming, type InvokeOptions } from './runtime-api.js';

export interface RuntimeStart {
  /** The task root the runtime runs in, and the private TMPDIR of this instance. */
  root: { dir: string; tmp: string };
  launch: LaunchSpec;
  /** Memory size the instance stands for (AWS_LAMBDA_FUNCTION_MEMORY_SIZE; its V8 flags are in the launch). */
  memoryMb?: number;
  /** Extra environment of the function (the user's --env, a function's configuration), applied last. */
  env?: Record<string, string>;
  /** CPU limits the process is put under; none when absent. */
  limits?: Limits;
  /** Keep the whole stderr (Python -X importtime writes the profile there). */
  keepStderr?: boolean;
}

export interface RuntimeInstance {
  server: RuntimeApiServer;
  proc: Instance;
  /** The cold event's result, once the runtime posts it. */
  first: Promise<InvocationTiming>;
}

/** Starts the Runtime API, queues the cold event, then spawns the runtime against it. */
export async function startRuntime(
  spec: HandlerSpec,
  o: RuntimeStart,
  event: { payload: string } & Omit<InvokeOptions, 'onHandout'>,
): Promise<RuntimeInstance> {
  const server = await RuntimeApiServer.start();
  const env = lambdaEnv({
    taskRoot: o.root.dir,
    handler: spec.handler,
    memoryMb: o.memoryMb,
    runtimeApi: server.address,
    runtimeId: spec.runtimeId,
    functionName: spec.functionName,
    extra: { TMPDIR: o.root.tmp, ...o.launch.env, ...o.env },
  });
  const { payload, ...invoke } = event;
  const first = server.invoke(payload, invoke);
  const { cmd, args } = o.limits ? o.limits.wrap(o.launch.cmd, o.launch.args) : o.launch;
  const proc = startInstance(cmd, args, { cwd: o.root.dir, env, keepStderr: o.keepStderr });
  o.limits?.attach(proc.child.pid);
  return { server, proc, first };
}

/** How init ended: the first GET /next, a posted init error, the process's exit, or the init timeout. */
export type InitEnd = 'next' | 'init-error' | 'exit' | 'init-timeout';

export async function awaitInit(rt: Pick<RuntimeInstance, 'server' | 'proc'>, initTimeoutMs: number): Promise<InitEnd> {
  const init = await firstOf<InitEnd>(
    [
      ['next', new Promise<void>((r) => rt.server.onFirstNext(r))],
      ['init-error', new Promise<void>((r) => rt.server.onInitError(r))],
      ['exit', rt.proc.exited],
    ],
    { tag: 'init-timeout', ms: initTimeoutMs },
  );
  return init.tag;
}

/**
 * Starts the Functions Framework (gcfLaunch) in the task root with GCF's variables instead of Lambda's
 * (the clean base environment is the same); fd 3 carries its "listening <port>" line.
 */
export function startGcf(spec: HandlerSpec, o: RuntimeStart): Instance {
  const env = lambdaEnv({ taskRoot: o.root.dir, handler: spec.handler, memoryMb: o.memoryMb, extra: {} });
  for (const k of Object.keys(env)) if (k.startsWith('AWS_') || k.startsWith('LAMBDA_') || k === '_HANDLER') delete env[k];
  Object.assign(
    env,
    { K_SERVICE: spec.functionName ?? 'faaslight-local', K_REVISION: '1', FUNCTION_TARGET: spec.exportName, TMPDIR: o.root.tmp },
    o.launch.env,
    o.env,
  );
  const { cmd, args } = o.limits ? o.limits.wrap(o.launch.cmd, o.launch.args) : o.launch;
  const proc = startInstance(cmd, args, { cwd: o.root.dir, env, extraFds: 1 });
  o.limits?.attach(proc.child.pid);
  return proc;
}

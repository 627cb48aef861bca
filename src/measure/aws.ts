// AWS platform: the runtime runs against a private Runtime API server. Init = spawn → first
// GET /next; the cold event is queued before the spawn (the invoke is what starts a Lambda
// instance), so it is handed out on that first /next.
import path from 'node:path';
import {
  awaitInit,
  awsLaunch,
  exitError,
  firstOf,
  killInstance,
  peakRssKb,
  postedError,
  postedOutput,
  startRuntime,
  type Instance,
  type InvocationTiming,
} from '../sandbox/index.js';
import { readProfile, type InstanceContext, type InstanceRun } from './instance.js';
import { withoutImportTime } from './profile.js';
import { round } from './stats.js';
import type { RunError } from './types.js';

export async function awsRun(ctx: InstanceContext): Promise<InstanceRun> {
  const { spec, root, payload, limits, opts } = ctx;
  const profileOut = path.join(root.base, 'profile.json');
  const launch = awsLaunch(spec, {
    runtimeClient: opts.runtimeClient,
    python: opts.python,
    profile: opts.profile,
    profileOut,
    runtimeCommand: opts.runtimeCommand,
    memoryMb: opts.memoryMb,
  });
  const run: InstanceRun = {
    initMs: null,
    durationMs: null,
    e2eMs: null,
    warmMs: null,
    peakRssKb: null,
    output: null,
    runtimeClient: launch.client,
    protocol: [],
  };
  const {
    server,
    proc: inst,
    first: cold,
  } = await startRuntime(
    spec,
    { root, launch, memoryMb: opts.memoryMb, env: opts.env, limits, keepStderr: opts.profile && spec.runtime === 'python' },
    { payload, timeoutMs: ctx.timeoutMs },
  );
  try {
    const init = await awaitInit({ server, proc: inst }, ctx.initTimeoutMs);
    if (init === 'init-error') {
      // The runtime logs the error, posts it and exits: wait briefly so its output is complete.
      await firstOf([['exit', inst.exited]], { tag: 'exit', ms: 500 });
      run.error = postedError(server.initError!, 'init', 'init-error', inst);
      run.output = postedOutput(server.initError!);
      return run;
    }
    if (init === 'exit') {
      run.error = exitError('crash', 'init', inst, 'before calling /next');
      return run;
    }
    if (init === 'init-timeout') {
      run.error = {
        kind: 'init-timeout',
        phase: 'init',
        message: `the runtime did not call /next within ${ctx.initTimeoutMs} ms: killed`,
        stderrTail: inst.output.text(),
      };
      return run;
    }
    run.initMs = round(server.firstNextAt! - inst.spawnedAt);

    const first = await invokeOutcome(cold, inst, ctx.timeoutMs, 'invoke');
    if ('error' in first && !first.timing) {
      run.error = first.error;
      return run;
    }
    const timing = first.timing!;
    run.durationMs = round(timing.result.t - timing.handedOutAt);
    run.e2eMs = round(timing.result.t - inst.spawnedAt);
    run.output = postedOutput(timing.result);
    if (timing.result.kind === 'error') run.error = postedError(timing.result, 'invoke', 'handler-error', inst);

    if (opts.warm !== false && !run.error) {
      const warm = await invokeOutcome(server.invoke(payload, { timeoutMs: ctx.timeoutMs }), inst, ctx.timeoutMs, 'warm');
      if (warm.timing) {
        run.warmMs = round(warm.timing.result.t - warm.timing.handedOutAt);
        if (warm.timing.result.kind === 'error') run.error = postedError(warm.timing.result, 'warm', 'handler-error', inst);
      } else run.error = warm.error;
    }
    run.peakRssKb = peakRssKb(inst.child.pid);
    return run;
  } finally {
    if (run.peakRssKb === null && !inst.exit) run.peakRssKb = peakRssKb(inst.child.pid);
    await killInstance(inst);
    await server.close();
    run.protocol = server.log.map((e) => ({ t: round(e.t - inst.spawnedAt), method: e.method, path: e.path, status: e.status }));
    if (opts.profile) run.profile = await readProfile(spec.runtime, profileOut, inst, root.dir, server.firstNextAt);
    if (run.error?.stderrTail !== undefined && opts.profile && spec.runtime === 'python') run.error.stderrTail = withoutImportTime(run.error.stderrTail);
  }
}

async function invokeOutcome(
  pending: Promise<InvocationTiming>,
  inst: Instance,
  timeoutMs: number,
  phase: 'invoke' | 'warm',
): Promise<{ timing: InvocationTiming } | { timing?: undefined; error: RunError }> {
  const o = await firstOf(
    [
      ['done', pending],
      ['exit', inst.exited],
    ],
    { tag: 'timeout', ms: timeoutMs },
  );
  if (o.tag === 'done') return { timing: o.value as InvocationTiming };
  if (o.tag === 'exit') return { error: exitError('crash', phase, inst, 'before answering the event') };
  return {
    error: {
      kind: 'timeout',
      phase,
      message: `the handler did not answer within ${timeoutMs} ms: the instance was killed`,
      stderrTail: inst.output.text(),
    },
  };
}

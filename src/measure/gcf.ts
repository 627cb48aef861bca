// GCF mode: the function runs under the real @google-cloud/functions-framework, bound to
// 127.0.0.1 on a free port (runtime/node/gcf-listen.cjs). Init = spawn → listening; the event is
// POSTed as JSON; Duration = request sent → response complete; end-to-end = spawn → response.
import http from 'node:http';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { exitError, firstOf, gcfLaunch, killInstance, peakRssKb, startGcf, type Instance } from '../sandbox/index.js';
import { readProfile, type InstanceContext, type InstanceRun } from './instance.js';
import { round } from './stats.js';
import type { RunError } from './types.js';

interface HttpOutcome {
  status: number;
  body: string;
  sentAt: number;
  doneAt: number;
}

function post(port: number, payload: string, timeoutMs: number): Promise<HttpOutcome> {
  return new Promise((resolve, reject) => {
    const data = Buffer.from(payload, 'utf8');
    const sentAt = performance.now();
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/',
        agent: false,
        headers: { 'Content-Type': 'application/json', 'Content-Length': data.length },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), sentAt, doneAt: performance.now() }));
        res.on('error', reject);
      },
    );
    req.setTimeout(timeoutMs, () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end(data);
  });
}

/** Resolves with the port once the preload reports "listening <port>" on fd 3. */
function listening(inst: Instance): Promise<{ port: number; at: number }> {
  return new Promise((resolve) => {
    const fd3 = inst.child.stdio[3] as Readable | undefined;
    let buf = '';
    fd3?.on('data', (c: Buffer) => {
      buf += c.toString('utf8');
      const m = /listening (\d+)\n/.exec(buf);
      if (m) resolve({ port: Number(m[1]), at: performance.now() });
    });
  });
}

function httpOutput(o: HttpOutcome): unknown {
  let body: unknown = o.body;
  try {
    body = JSON.parse(o.body);
  } catch {
    // A text body stays text.
  }
  return { status: o.status, body };
}

export async function gcfRun(ctx: InstanceContext): Promise<InstanceRun> {
  const { spec, root, payload, limits, opts } = ctx;
  const profileOut = path.join(root.base, 'profile.json');
  const launch = gcfLaunch(spec, root.dir, { profile: opts.profile, profileOut });
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
  const inst = startGcf(spec, { root, launch, memoryMb: opts.memoryMb, env: opts.env, limits });
  let listenedAt: number | null = null;
  try {
    const init = await firstOf(
      [
        ['listening', listening(inst)],
        ['exit', inst.exited],
      ],
      { tag: 'init-timeout', ms: ctx.initTimeoutMs },
    );
    if (init.tag === 'exit') {
      run.error = exitError('init-error', 'init', inst, 'before listening (the function could not be loaded)');
      return run;
    }
    if (init.tag === 'init-timeout') {
      run.error = {
        kind: 'init-timeout',
        phase: 'init',
        message: `the Functions Framework did not listen within ${ctx.initTimeoutMs} ms: killed`,
        stderrTail: inst.output.text(),
      };
      return run;
    }
    const { port, at } = init.value as { port: number; at: number };
    listenedAt = at;
    run.initMs = round(at - inst.spawnedAt);
    const first = await request(inst, port, payload, ctx.timeoutMs, 'invoke');
    if ('error' in first) {
      run.error = first.error;
      return run;
    }
    run.durationMs = round(first.doneAt - first.sentAt);
    run.e2eMs = round(first.doneAt - inst.spawnedAt);
    run.output = httpOutput(first);
    if (first.status >= 500)
      run.error = { kind: 'handler-error', phase: 'invoke', message: `HTTP ${first.status}: ${first.body.slice(0, 200)}`, stderrTail: inst.output.text() };
    if (opts.warm !== false && !run.error) {
      const warm = await request(inst, port, payload, ctx.timeoutMs, 'warm');
      if ('error' in warm) run.error = warm.error;
      else run.warmMs = round(warm.doneAt - warm.sentAt);
    }
    run.peakRssKb = peakRssKb(inst.child.pid);
    return run;
  } finally {
    await killInstance(inst);
    if (opts.profile) run.profile = await readProfile('nodejs', profileOut, inst, root.dir, listenedAt);
  }
}

async function request(inst: Instance, port: number, payload: string, timeoutMs: number, phase: 'invoke' | 'warm'): Promise<HttpOutcome | { error: RunError }> {
  const o = await firstOf(
    [
      ['done', post(port, payload, timeoutMs).catch((e: Error) => e)],
      ['exit', inst.exited],
    ],
    {
      tag: 'timeout',
      ms: timeoutMs + 100,
    },
  );
  if (o.tag === 'exit') return { error: exitError('crash', phase, inst, 'before answering the request') };
  if (o.tag === 'timeout' || (o.value instanceof Error && o.value.message === 'timeout'))
    return {
      error: { kind: 'timeout', phase, message: `the function did not answer within ${timeoutMs} ms: the instance was killed`, stderrTail: inst.output.text() },
    };
  if (o.value instanceof Error) return { error: { kind: 'crash', phase, message: `request failed: ${o.value.message}`, stderrTail: inst.output.text() } };
  return o.value as HttpOutcome;
}

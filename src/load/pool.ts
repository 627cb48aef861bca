// A pool of instances of the local Lambda environment, scaled the way Lambda scales a function:
// a request goes to an idle instance (the oldest one: a fixed order, as the model assumes) or, when
// none is idle, starts a new one — a real cold start: a runtime process spawned against its own
// Runtime API server, the event queued before the spawn, served on its first GET /next. An instance
// keeps serving events through /next in a loop; idle for the idle timeout, it is killed. With as many
// instances busy as the concurrency limit, a request is refused (throttled) at once.
// The package is unpacked once and shared read-only, as /var/task is; each instance has its own /tmp.
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import type { HandlerSpec } from '../types.js';
import {
  awaitInit,
  firstOf,
  killInstance,
  postedOutput,
  startRuntime,
  type Instance,
  type InvocationTiming,
  type LaunchSpec,
  type RuntimeApiServer,
  type RuntimeInstance,
  type TaskRoot,
} from '../sandbox/index.js';
import type { InvokeKind, InvokeOutcome, TimelinePoint } from './types.js';

export interface PoolOptions {
  root: TaskRoot;
  spec: HandlerSpec;
  launch: LaunchSpec;
  idleTimeoutMs: number;
  maxConcurrency: number;
  timeoutMs: number;
  initTimeoutMs: number;
  memoryMb?: number;
  env?: Record<string, string>;
}

type State = 'starting' | 'busy' | 'idle' | 'dead';

interface PoolInstance {
  id: number;
  state: State;
  server: RuntimeApiServer;
  proc: Instance;
  tmp: string;
  idleTimer?: NodeJS.Timeout;
  invocations: number;
  retiring?: Promise<void>;
}

export class InstancePool {
  readonly timeline: TimelinePoint[] = [];
  /** Every process id this pool started (tests check that none survives close()). */
  readonly pids: number[] = [];
  readonly t0 = performance.now();
  coldStarts = 0;
  expired = 0;
  private instances: PoolInstance[] = [];
  private nextId = 0;
  private closing = false;
  /** Cold starts decided but not yet registered (the limit must count them at once). */
  private reserved = 0;
  private pending = new Set<Promise<unknown>>();

  constructor(private readonly o: PoolOptions) {
    this.mark();
  }

  get live(): number {
    return this.instances.filter((i) => i.state !== 'dead').length;
  }

  private get busy(): number {
    return this.reserved + this.instances.filter((i) => i.state === 'busy' || i.state === 'starting').length;
  }

  private mark(): void {
    const t = Math.round((performance.now() - this.t0) * 100) / 100;
    this.timeline.push({ t, instances: this.live, busy: this.busy });
  }

  invoke(payload: string): Promise<InvokeOutcome> {
    const p = this.dispatch(payload);
    this.pending.add(p);
    return p.finally(() => this.pending.delete(p));
  }

  private async dispatch(payload: string): Promise<InvokeOutcome> {
    if (this.closing) return { kind: 'crash', cold: false, body: JSON.stringify({ errorType: 'Pool.Closed', errorMessage: 'the pool is shutting down' }) };
    const idle = this.instances.find((i) => i.state === 'idle');
    if (idle) return this.serve(idle, payload);
    if (this.busy >= this.o.maxConcurrency) {
      return {
        kind: 'throttled',
        cold: false,
        body: JSON.stringify({ Reason: 'ReservedFunctionConcurrentInvocationLimitExceeded', Type: 'User', message: 'Rate Exceeded.' }),
      };
    }
    this.reserved++;
    return this.coldStart(payload);
  }

  private async serve(inst: PoolInstance, payload: string): Promise<InvokeOutcome> {
    clearTimeout(inst.idleTimer);
    inst.state = 'busy';
    this.mark();
    return this.outcome(inst, inst.server.invoke(payload, { timeoutMs: this.o.timeoutMs }), false);
  }

  private async coldStart(payload: string): Promise<InvokeOutcome> {
    const id = this.nextId++;
    this.coldStarts++;
    const tmp = path.join(this.o.root.base, `tmp-${id}`);
    let rt: RuntimeInstance;
    try {
      await fsp.mkdir(tmp, { recursive: true });
      rt = await startRuntime(
        this.o.spec,
        { root: { dir: this.o.root.dir, tmp }, launch: this.o.launch, memoryMb: this.o.memoryMb, env: this.o.env },
        { payload, timeoutMs: this.o.timeoutMs },
      );
    } catch (e) {
      this.reserved--;
      return { kind: 'crash', cold: true, body: JSON.stringify({ errorType: 'Pool.StartFailed', errorMessage: (e as Error).message }) };
    }
    const { server, proc, first } = rt;
    if (proc.child.pid !== undefined) this.pids.push(proc.child.pid);
    const inst: PoolInstance = { id, state: 'starting', server, proc, tmp, invocations: 0 };
    this.instances.push(inst);
    this.reserved--;
    this.mark();
    const init = await awaitInit(rt, this.o.initTimeoutMs);
    if (init !== 'next') {
      const kind: InvokeKind = init === 'exit' ? 'crash' : init;
      const body =
        init === 'init-error'
          ? JSON.stringify(postedOutput(server.initError!))
          : JSON.stringify({ errorType: 'Runtime.ExitError', errorMessage: proc.output.text(5) });
      await this.retire(inst);
      return { kind, cold: true, instance: id, body, serviceMs: performance.now() - proc.spawnedAt };
    }
    inst.state = 'busy';
    const out = await this.outcome(inst, first, true);
    out.initMs = server.firstNextAt! - proc.spawnedAt;
    return out;
  }

  /** The invocation's result, or the instance's crash or timeout (which end the instance). */
  private async outcome(inst: PoolInstance, pending: Promise<InvocationTiming>, cold: boolean): Promise<InvokeOutcome> {
    const o = await firstOf(
      [
        ['done', pending],
        ['exit', inst.proc.exited],
      ],
      { tag: 'timeout', ms: this.o.timeoutMs + (cold ? this.o.initTimeoutMs : 0) },
    );
    inst.invocations++;
    if (o.tag === 'done') {
      const timing = o.value as InvocationTiming;
      const serviceMs = timing.result.t - (cold ? inst.proc.spawnedAt : timing.handedOutAt);
      const failed = timing.result.kind === 'error';
      this.idle(inst);
      return { kind: failed ? 'handler-error' : 'ok', cold, instance: inst.id, body: timing.result.body, serviceMs };
    }
    const kind: InvokeKind = o.tag === 'exit' ? 'crash' : 'timeout';
    await this.retire(inst);
    const body =
      kind === 'timeout'
        ? { errorType: 'Sandbox.Timedout', errorMessage: `Task timed out after ${(this.o.timeoutMs / 1000).toFixed(2)} seconds` }
        : { errorType: 'Runtime.ExitError', errorMessage: `Runtime exited: ${inst.proc.exit?.signal ?? `exit status ${inst.proc.exit?.code}`}` };
    return { kind, cold, instance: inst.id, body: JSON.stringify(body) };
  }

  private idle(inst: PoolInstance): void {
    if (inst.state === 'dead') return;
    inst.state = 'idle';
    this.mark();
    inst.idleTimer = setTimeout(() => {
      if (inst.state !== 'idle') return;
      this.expired++;
      void this.retire(inst);
    }, this.o.idleTimeoutMs);
  }

  private retire(inst: PoolInstance): Promise<void> {
    if (inst.retiring) return inst.retiring;
    inst.state = 'dead';
    clearTimeout(inst.idleTimer);
    this.mark();
    inst.retiring = (async () => {
      await killInstance(inst.proc);
      await inst.server.close();
      await fsp.rm(inst.tmp, { recursive: true, force: true });
    })();
    return inst.retiring;
  }

  /** Kills every instance and waits for the in-flight requests (they end as crashes). */
  async close(): Promise<void> {
    this.closing = true;
    await Promise.all(this.instances.map((i) => this.retire(i)));
    await Promise.allSettled([...this.pending]);
    // Instances started while closing (none should be) and every retirement in progress.
    await Promise.all(this.instances.map((i) => this.retire(i)));
  }
}

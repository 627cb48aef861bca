// A local AWS Lambda API (REST, 2015-03-31) on 127.0.0.1: the subset `faaslight invoke` uses —
// CreateFunction, UpdateFunctionCode, UpdateFunctionConfiguration, GetFunction,
// GetFunctionConfiguration, Invoke (LogType Tail), DeleteFunction — served on top of the local
// Runtime API environment of src/sandbox, so the real AWS SDK drives real local cold starts.
// Instances follow Lambda's rules: an invoke takes an idle instance of the current configuration
// (warm) or starts a new one (cold: fresh task root, new process, Init Duration reported); any code
// or configuration change retires every instance, so the next invoke is a real cold start.
// Faults (429 throttling, expired token, account limits) can be injected for tests.
import { createHash, randomUUID } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { runtimeOf } from '../../app/handler-string.js';
import {
  awaitInit,
  awsLaunch,
  firstOf,
  killInstance,
  makeBase,
  peakRssKb,
  prepareLimits,
  removeBase,
  startRuntime,
  unpackInto,
  type Instance,
  type InvocationTiming,
  type Limits,
  type RuntimeApiServer,
} from '../../sandbox/index.js';
import { round } from '../../measure/stats.js';
import type { RuntimeClientChoice } from '../../measure/types.js';
import type { HandlerSpec } from '../../types.js';

const API = '/2015-03-31/functions';
/** Lambda's direct-upload limit for a zipped package. */
export const DIRECT_UPLOAD_LIMIT = 50 * 1024 * 1024;
const LOG_TAIL_BYTES = 4096;
const ACCOUNT = '000000000000';

export type LambdaOperation =
  | 'CreateFunction'
  | 'UpdateFunctionCode'
  | 'UpdateFunctionConfiguration'
  | 'GetFunction'
  | 'GetFunctionConfiguration'
  | 'Invoke'
  | 'DeleteFunction';

/** An injected error: the next `times` matching requests get it instead of being served. */
export interface Fault {
  op?: LambdaOperation;
  status: number;
  type: string;
  message: string;
  times: number;
  /** Extra body fields (Reason …) and headers (Retry-After …). */
  body?: Record<string, unknown>;
  headers?: Record<string, string>;
}

export interface LocalEndpointOptions {
  /** How long a created or updated function stays Pending / InProgress (default 30 ms). */
  pendingMs?: number;
  /** Time allowed to reach the first /next (default 10 s, Lambda's limit). */
  initTimeoutMs?: number;
  python?: string;
  runtimeClient?: RuntimeClientChoice;
  /** Fault injection: keep idle instances across configuration changes, as a platform that failed
   * to recycle them would. Lets tests check that such invokes are never counted as cold starts. */
  keepInstancesOnUpdate?: boolean;
}

interface FnConfig {
  FunctionName: string;
  FunctionArn: string;
  Runtime: string;
  Role: string;
  Handler: string;
  CodeSize: number;
  CodeSha256: string;
  Description: string;
  Timeout: number;
  MemorySize: number;
  LastModified: string;
  Version: '$LATEST';
  Environment: { Variables: Record<string, string> };
  RevisionId: string;
  PackageType: 'Zip';
  Architectures: string[];
}

interface LocalFunction {
  config: FnConfig;
  zipPath: string;
  /** Bumped by every code or configuration change; instances of an older one are retired. */
  generation: number;
  /** Until then the function is Pending (after create) or InProgress (after an update). */
  readyAt: number;
  change: 'create' | 'update';
  instances: Set<LocalInstance>;
}

interface LocalInstance {
  generation: number;
  state: 'busy' | 'idle' | 'dead';
  server: RuntimeApiServer;
  proc: Instance;
  base: string;
  limits: Limits;
  /** Output since the last invoke drained it (init output lands in the cold invoke's log). */
  logs: string[];
}

export class LocalLambdaEndpoint {
  /** Counters for tests and the demo: what the endpoint actually did. */
  readonly stats = { coldStarts: 0, warmInvokes: 0, faults: 0, requests: [] as string[] };
  private readonly functions = new Map<string, LocalFunction>();
  private faults: Fault[] = [];
  private codeDir = '';

  private constructor(
    private readonly server: http.Server,
    private readonly opts: LocalEndpointOptions,
  ) {}

  static async start(opts: LocalEndpointOptions = {}, port = 0): Promise<LocalLambdaEndpoint> {
    const server = http.createServer();
    const ep = new LocalLambdaEndpoint(server, opts);
    ep.codeDir = await fsp.mkdtemp(path.join(os.tmpdir(), 'faaslight-lambda-local-'));
    server.on('request', (req, res) => {
      ep.handle(req, res).catch((e: Error) => send(res, 500, { 'x-amzn-ErrorType': 'ServiceException' }, { Type: 'Service', message: e.message }));
    });
    server.requestTimeout = 0;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    return ep;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  inject(fault: Fault): void {
    this.faults.push({ ...fault });
  }

  /** Answers the next `times` Invoke calls with 429 TooManyRequestsException, as Lambda does past a concurrency limit. */
  throttle(times: number, op: LambdaOperation = 'Invoke'): void {
    this.inject({
      op,
      status: 429,
      type: 'TooManyRequestsException',
      message: 'Rate Exceeded.',
      times,
      body: { Reason: 'ConcurrentInvocationLimitExceeded' },
      headers: { 'Retry-After': '1' },
    });
  }

  functionNames(): string[] {
    return [...this.functions.keys()];
  }

  /** Live instances per function (idle or busy). */
  instanceCount(name: string): number {
    return [...(this.functions.get(name)?.instances ?? [])].filter((i) => i.state !== 'dead').length;
  }

  async close(): Promise<void> {
    for (const fn of this.functions.values()) await retireAll(fn);
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
    await fsp.rm(this.codeDir, { recursive: true, force: true });
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const route = routeOf(req.method ?? '', url.pathname);
    if (!route) return error(res, 404, 'UnknownOperationException', `unknown operation ${req.method} ${url.pathname}`);
    this.stats.requests.push(route.op);
    const fault = this.faults.find((f) => f.times > 0 && (!f.op || f.op === route.op));
    if (fault) {
      fault.times--;
      this.stats.faults++;
      req.resume();
      return send(res, fault.status, { 'x-amzn-ErrorType': fault.type, ...fault.headers }, { Type: 'User', message: fault.message, ...fault.body });
    }
    const region = regionOf(req);
    const body = route.op === 'Invoke' || req.method === 'POST' || req.method === 'PUT' ? await readBody(req) : Buffer.alloc(0);
    switch (route.op) {
      case 'CreateFunction':
        return this.create(res, parseJson(body), region);
      case 'GetFunction':
      case 'GetFunctionConfiguration': {
        const fn = this.functions.get(route.name!);
        if (!fn) return notFound(res, route.name!, region);
        const config = view(fn);
        return send(
          res,
          200,
          {},
          route.op === 'GetFunction' ? { Configuration: config, Code: { RepositoryType: 'S3', Location: `file://${fn.zipPath}` } } : config,
        );
      }
      case 'UpdateFunctionCode':
      case 'UpdateFunctionConfiguration':
        return this.update(res, route.op, route.name!, parseJson(body), region);
      case 'DeleteFunction': {
        const fn = this.functions.get(route.name!);
        if (!fn) return notFound(res, route.name!, region);
        this.functions.delete(route.name!);
        await retireAll(fn);
        return send(res, 204, {});
      }
      case 'Invoke':
        return this.invoke(req, res, route.name!, body, region);
    }
  }

  private async create(res: http.ServerResponse, input: Record<string, any> | undefined, region: string): Promise<void> {
    if (!input) return error(res, 400, 'InvalidParameterValueException', 'the request body is not JSON');
    const name = String(input.FunctionName ?? '');
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(name)) return error(res, 400, 'InvalidParameterValueException', `invalid FunctionName "${name}"`);
    if (this.functions.has(name)) return error(res, 409, 'ResourceConflictException', `Function already exist: ${name}`);
    if (!/^arn:aws[a-z-]*:iam::\d{12}:role\/\S+$/.test(String(input.Role ?? '')))
      return error(res, 400, 'ValidationException', `1 validation error detected: Value '${input.Role}' at 'role' failed to satisfy constraint`);
    const bad = checkConfig(input);
    if (bad) return error(res, 400, 'InvalidParameterValueException', bad);
    const code = await this.storeCode(res, name, input.Code ?? {}, 0);
    if (!code) return;
    const fn: LocalFunction = {
      config: {
        FunctionName: name,
        FunctionArn: `arn:aws:lambda:${region}:${ACCOUNT}:function:${name}`,
        Runtime: input.Runtime,
        Role: input.Role,
        Handler: input.Handler,
        CodeSize: code.size,
        CodeSha256: code.sha256,
        Description: input.Description ?? '',
        Timeout: input.Timeout ?? 3,
        MemorySize: input.MemorySize ?? 128,
        LastModified: lastModified(),
        Version: '$LATEST',
        Environment: { Variables: { ...(input.Environment?.Variables ?? {}) } },
        RevisionId: randomUUID(),
        PackageType: 'Zip',
        Architectures: input.Architectures ?? ['x86_64'],
      },
      zipPath: code.file,
      generation: 0,
      readyAt: Date.now() + (this.opts.pendingMs ?? 30),
      change: 'create',
      instances: new Set(),
    };
    this.functions.set(name, fn);
    send(res, 201, {}, view(fn));
  }

  private async update(res: http.ServerResponse, op: LambdaOperation, name: string, input: Record<string, any> | undefined, region: string): Promise<void> {
    const fn = this.functions.get(name);
    if (!fn) return notFound(res, name, region);
    if (!input) return error(res, 400, 'InvalidParameterValueException', 'the request body is not JSON');
    if (Date.now() < fn.readyAt)
      return error(
        res,
        409,
        'ResourceConflictException',
        `The operation cannot be performed at this time. An update is in progress for resource: ${fn.config.FunctionArn}`,
      );
    if (op === 'UpdateFunctionCode') {
      const code = await this.storeCode(res, name, input, fn.generation + 1);
      if (!code) return;
      const old = fn.zipPath;
      Object.assign(fn.config, { CodeSize: code.size, CodeSha256: code.sha256 });
      fn.zipPath = code.file;
      if (old !== code.file) await fsp.rm(old, { force: true });
    } else {
      const bad = checkConfig({ ...fn.config, ...input });
      if (bad) return error(res, 400, 'InvalidParameterValueException', bad);
      for (const k of ['Runtime', 'Handler', 'Timeout', 'MemorySize', 'Role', 'Description'] as const)
        if (input[k] !== undefined) (fn.config as any)[k] = input[k];
      // Environment replaces the whole set, as on Lambda.
      if (input.Environment) fn.config.Environment = { Variables: { ...(input.Environment.Variables ?? {}) } };
    }
    fn.config.LastModified = lastModified();
    fn.config.RevisionId = randomUUID();
    fn.generation++;
    fn.readyAt = Date.now() + (this.opts.pendingMs ?? 30);
    fn.change = 'update';
    if (this.opts.keepInstancesOnUpdate) for (const i of fn.instances) i.generation = fn.generation;
    else for (const i of [...fn.instances]) if (i.state === 'idle') await retire(fn, i);
    send(res, 200, {}, view(fn));
  }

  private async storeCode(
    res: http.ServerResponse,
    name: string,
    code: Record<string, any>,
    gen: number,
  ): Promise<{ file: string; size: number; sha256: string } | undefined> {
    if (typeof code.ZipFile !== 'string') {
      error(res, 400, 'InvalidParameterValueException', code.S3Bucket ? 'the local endpoint takes ZipFile uploads only (no S3)' : 'Code.ZipFile is required');
      return undefined;
    }
    const bytes = Buffer.from(code.ZipFile, 'base64');
    if (bytes.length > DIRECT_UPLOAD_LIMIT) {
      error(res, 413, 'RequestEntityTooLargeException', `Request must be smaller than ${DIRECT_UPLOAD_LIMIT} bytes for the UpdateFunctionCode operation`);
      return undefined;
    }
    const file = path.join(this.codeDir, `${name}.${gen}.zip`);
    await fsp.writeFile(file, bytes);
    return { file, size: bytes.length, sha256: createHash('sha256').update(bytes).digest('base64') };
  }

  private async invoke(req: http.IncomingMessage, res: http.ServerResponse, name: string, body: Buffer, region: string): Promise<void> {
    const fn = this.functions.get(name);
    if (!fn) return notFound(res, name, region);
    if (fn.change === 'create' && Date.now() < fn.readyAt)
      return error(
        res,
        409,
        'ResourceConflictException',
        'The operation cannot be performed at this time. The function is currently in the following state: Pending',
      );
    const payload = body.length ? body.toString('utf8') : '{}';
    try {
      JSON.parse(payload);
    } catch {
      return error(res, 400, 'InvalidRequestContentException', 'Could not parse request body into json');
    }
    const requestId = randomUUID();
    const cfg = fn.config;
    const timeoutMs = cfg.Timeout * 1000;
    let inst = [...fn.instances].find((i) => i.state === 'idle' && i.generation === fn.generation);
    const cold = !inst;
    const pending: { p?: Promise<InvocationTiming> } = {};
    let initMs: number | undefined;
    let outcome: { status: 'ok' | 'error'; body: string; errorType?: string; durationMs: number; keep: boolean };
    if (!inst) {
      this.stats.coldStarts++;
      const started = await this.startInstance(fn, payload, requestId, timeoutMs, pending);
      inst = started.inst;
      initMs = started.initMs;
      outcome = started.failure ?? (await awaitInvoke(inst, pending.p!, timeoutMs));
    } else {
      this.stats.warmInvokes++;
      inst.state = 'busy';
      outcome = await awaitInvoke(inst, inst.server.invoke(payload, { timeoutMs, requestId, functionArn: cfg.FunctionArn }), timeoutMs);
    }
    // Let the output written just before the response reach us.
    await new Promise((r) => setImmediate(r));
    const maxKb = peakRssKb(inst.proc.child.pid) ?? 0;
    const logs = inst.logs.splice(0).join('');
    if (outcome.keep && inst.state !== 'dead' && !inst.proc.exit) inst.state = 'idle';
    else await retire(fn, inst);

    const billed = Math.ceil(outcome.durationMs + (initMs ?? 0));
    const report = [
      `REPORT RequestId: ${requestId}`,
      `Duration: ${outcome.durationMs.toFixed(2)} ms`,
      `Billed Duration: ${billed} ms`,
      `Memory Size: ${cfg.MemorySize} MB`,
      `Max Memory Used: ${Math.max(1, Math.ceil(maxKb / 1024))} MB`,
      ...(initMs !== undefined ? [`Init Duration: ${initMs.toFixed(2)} ms`] : []),
      ...(outcome.status === 'error' ? ['Status: error', `Error Type: ${outcome.errorType ?? 'Runtime.Unknown'}`] : []),
    ].join('\t');
    const log =
      (cold ? `INIT_START Runtime Version: local:${cfg.Runtime}\n` : '') +
      `START RequestId: ${requestId} Version: $LATEST\n${logs}${logs && !logs.endsWith('\n') ? '\n' : ''}END RequestId: ${requestId}\n${report}\t\n`;
    const headers: Record<string, string> = { 'X-Amz-Executed-Version': '$LATEST', 'x-amzn-RequestId': requestId };
    if (header(req, 'x-amz-log-type') === 'Tail') headers['X-Amz-Log-Result'] = tail(log);
    if (outcome.status === 'error') headers['X-Amz-Function-Error'] = 'Unhandled';
    send(res, 200, headers, outcome.body);
  }

  /** A new execution environment: fresh task root, new process, the event queued before the spawn. */
  private async startInstance(
    fn: LocalFunction,
    payload: string,
    requestId: string,
    timeoutMs: number,
    pending: { p?: Promise<InvocationTiming> },
  ): Promise<{ inst: LocalInstance; initMs?: number; failure?: Awaited<ReturnType<typeof awaitInvoke>> }> {
    const cfg = fn.config;
    const spec: HandlerSpec = {
      handler: cfg.Handler,
      file: '',
      exportName: cfg.Handler.slice(cfg.Handler.lastIndexOf('.') + 1),
      runtime: runtimeOf(cfg.Runtime)!,
      runtimeId: cfg.Runtime,
      style: 'aws',
      source: 'CreateFunction',
      functionName: cfg.FunctionName,
    };
    const base = await makeBase();
    const logs: string[] = [];
    const fail = (errorType: string, message: string) => ({
      status: 'error' as const,
      body: JSON.stringify({ errorType, errorMessage: message }),
      errorType,
      durationMs: 0,
      keep: false,
    });
    let root: Awaited<ReturnType<typeof unpackInto>>;
    try {
      root = await unpackInto(base, fn.zipPath);
    } catch (e) {
      await removeBase(base);
      throw e;
    }
    const limits = prepareLimits({ memoryMb: cfg.MemorySize });
    const launch = awsLaunch(spec, { runtimeClient: this.opts.runtimeClient ?? 'auto', python: this.opts.python, memoryMb: cfg.MemorySize });
    const rt = await startRuntime(
      spec,
      { root, launch, memoryMb: cfg.MemorySize, env: cfg.Environment.Variables, limits },
      { payload, timeoutMs, requestId, functionArn: cfg.FunctionArn },
    );
    const { server, proc } = rt;
    pending.p = rt.first;
    proc.child.stdout?.on('data', (c: Buffer) => logs.push(c.toString('utf8')));
    proc.child.stderr?.on('data', (c: Buffer) => logs.push(c.toString('utf8')));
    const inst: LocalInstance = { generation: fn.generation, state: 'busy', server, proc, base, limits, logs };
    fn.instances.add(inst);
    const initTimeoutMs = this.opts.initTimeoutMs ?? 10_000;
    const init = await awaitInit(rt, initTimeoutMs);
    const initMs = round(performance.now() - proc.spawnedAt);
    if (init === 'next') return { inst, initMs: round(server.firstNextAt! - proc.spawnedAt) };
    if (init === 'init-error') {
      await firstOf([['exit', proc.exited]], { tag: 'exit', ms: 500 });
      const posted = server.initError!;
      const errorType = posted.errorType ?? 'Runtime.Unknown';
      // Lambda retries a failed init inside the invoke: the time is the invoke's Duration, with no Init Duration.
      return { inst, failure: { status: 'error', body: posted.body, errorType, durationMs: initMs, keep: false } };
    }
    if (init === 'exit')
      return {
        inst,
        failure: {
          ...fail('Runtime.ExitError', `RequestId: ${requestId} Error: Runtime exited with error: exit status ${proc.exit?.code ?? proc.exit?.signal}`),
          durationMs: initMs,
        },
      };
    return { inst, failure: { ...fail('Sandbox.Timedout', `RequestId: ${requestId} Error: Init timed out after ${initTimeoutMs} ms`), durationMs: initMs } };
  }
}

async function awaitInvoke(inst: LocalInstance, p: Promise<InvocationTiming>, timeoutMs: number) {
  const t0 = performance.now();
  const o = await firstOf(
    [
      ['done', p],
      ['exit', inst.proc.exited],
    ],
    { tag: 'timeout', ms: timeoutMs },
  );
  if (o.tag === 'done') {
    const t = o.value as InvocationTiming;
    const durationMs = round(t.result.t - t.handedOutAt);
    if (t.result.kind === 'response') return { status: 'ok' as const, body: t.result.body, durationMs, keep: true };
    let errorType = t.result.errorType;
    try {
      errorType = (JSON.parse(t.result.body) as { errorType?: string }).errorType ?? errorType;
    } catch {
      // Not JSON: the header's type stands.
    }
    return { status: 'error' as const, body: t.result.body, errorType, durationMs, keep: true };
  }
  const durationMs = round(performance.now() - t0);
  const [errorType, message] =
    o.tag === 'exit'
      ? ['Runtime.ExitError', `Runtime exited with error: exit status ${inst.proc.exit?.code ?? inst.proc.exit?.signal}`]
      : ['Sandbox.Timedout', `Task timed out after ${(timeoutMs / 1000).toFixed(2)} seconds`];
  return { status: 'error' as const, body: JSON.stringify({ errorType, errorMessage: message }), errorType, durationMs, keep: false };
}

async function retire(fn: LocalFunction, inst: LocalInstance): Promise<void> {
  if (inst.state === 'dead') return;
  inst.state = 'dead';
  fn.instances.delete(inst);
  await killInstance(inst.proc);
  await inst.server.close();
  inst.limits.dispose();
  await removeBase(inst.base);
}

async function retireAll(fn: LocalFunction): Promise<void> {
  for (const i of [...fn.instances]) await retire(fn, i);
}

function checkConfig(c: Record<string, any>): string | undefined {
  if (c.Runtime !== undefined && !runtimeOf(String(c.Runtime)))
    return `Value ${c.Runtime} at 'runtime' failed to satisfy constraint: the local endpoint runs nodejs* and python* runtimes`;
  if (c.Handler !== undefined && !/^[^\s]+\.[^\s.]+$/.test(String(c.Handler))) return `invalid Handler "${c.Handler}"`;
  if (c.MemorySize !== undefined && !(Number.isInteger(c.MemorySize) && c.MemorySize >= 128 && c.MemorySize <= 10240))
    return `MemorySize must be 128 to 10240 MB, got ${c.MemorySize}`;
  if (c.Timeout !== undefined && !(Number.isInteger(c.Timeout) && c.Timeout >= 1 && c.Timeout <= 900))
    return `Timeout must be 1 to 900 seconds, got ${c.Timeout}`;
  return undefined;
}

function view(fn: LocalFunction): Record<string, unknown> {
  const ready = Date.now() >= fn.readyAt;
  const state =
    fn.change === 'create' && !ready ? { State: 'Pending', StateReason: 'The function is being created.', StateReasonCode: 'Creating' } : { State: 'Active' };
  const update =
    fn.change === 'create'
      ? ready
        ? { LastUpdateStatus: 'Successful' }
        : {}
      : ready
        ? { LastUpdateStatus: 'Successful' }
        : { LastUpdateStatus: 'InProgress', LastUpdateStatusReason: 'The function is being updated.', LastUpdateStatusReasonCode: 'Updating' };
  return { ...fn.config, ...state, ...update };
}

function routeOf(method: string, pathname: string): { op: LambdaOperation; name?: string } | undefined {
  if (pathname === API || pathname === `${API}/`) return method === 'POST' ? { op: 'CreateFunction' } : undefined;
  const m = /^\/2015-03-31\/functions\/([^/]+)(?:\/(configuration|code|invocations))?\/?$/.exec(pathname);
  if (!m) return undefined;
  // The SDK accepts names, partial or full ARNs: the name is the part after ":function:".
  const raw = decodeURIComponent(m[1]);
  const name = raw.includes(':function:') ? raw.split(':function:')[1].split(':')[0] : raw;
  const sub = m[2];
  const op: LambdaOperation | undefined =
    sub === undefined
      ? ({ GET: 'GetFunction', DELETE: 'DeleteFunction' } as const)[method as 'GET']
      : sub === 'configuration'
        ? ({ GET: 'GetFunctionConfiguration', PUT: 'UpdateFunctionConfiguration' } as const)[method as 'GET']
        : sub === 'code'
          ? method === 'PUT'
            ? 'UpdateFunctionCode'
            : undefined
          : method === 'POST'
            ? 'Invoke'
            : undefined;
  return op ? { op, name } : undefined;
}

/** The region the client signed for (SigV4 credential scope), so ARNs look like the caller expects. */
function regionOf(req: http.IncomingMessage): string {
  return /Credential=[^/]+\/\d{8}\/([a-z0-9-]+)\/lambda\//.exec(header(req, 'authorization') ?? '')?.[1] ?? 'us-east-1';
}

function header(req: http.IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function parseJson(b: Buffer): Record<string, any> | undefined {
  try {
    const v = JSON.parse(b.toString('utf8') || '{}');
    return v && typeof v === 'object' ? v : undefined;
  } catch {
    return undefined;
  }
}

function send(res: http.ServerResponse, status: number, headers: Record<string, string>, body?: unknown): void {
  const text = body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(text)), ...headers });
  res.end(text);
}

function error(res: http.ServerResponse, status: number, type: string, message: string): void {
  send(res, status, { 'x-amzn-ErrorType': type }, { Type: 'User', message });
}

function notFound(res: http.ServerResponse, name: string, region: string): void {
  error(res, 404, 'ResourceNotFoundException', `Function not found: arn:aws:lambda:${region}:${ACCOUNT}:function:${name}`);
}

/** Lambda's format: 2026-11-29T19:20:00.000+0000. */
function lastModified(): string {
  return new Date().toISOString().replace('Z', '+0000');
}

/** The last 4 KB of the log, base64, as in X-Amz-Log-Result. */
function tail(log: string): string {
  const b = Buffer.from(log, 'utf8');
  return (b.length > LOG_TAIL_BYTES ? b.subarray(b.length - LOG_TAIL_BYTES) : b).toString('base64');
}

// A local Lambda Runtime API (2018-06-01) on 127.0.0.1, speaking the real protocol so that the
// real runtime client (aws-lambda-ric) and our bootstraps run unmodified against it:
//   GET  /2018-06-01/runtime/invocation/next            → the event, with Lambda-Runtime-* headers (long poll)
//   POST /2018-06-01/runtime/invocation/{id}/response   → 202
//   POST /2018-06-01/runtime/invocation/{id}/error      → 202
//   POST /2018-06-01/runtime/init/error                 → 202
// One server serves one instance (one process), like the platform's per-sandbox API endpoint.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes, randomUUID } from 'node:crypto';

const PREFIX = '/2018-06-01/runtime';
/** Lambda's synchronous payload limit. */
const MAX_PAYLOAD = 6 * 1024 * 1024;

export interface ProtocolEntry {
  /** performance.now() of the measurer when the request arrived. */
  t: number;
  method: string;
  path: string;
  status: number;
}

/** What the runtime posted for an invocation (or for init). */
export interface PostedResult {
  kind: 'response' | 'error';
  /** Raw body as posted. */
  body: string;
  /** Lambda-Runtime-Function-Error-Type header, when an error. */
  errorType?: string;
  /** performance.now() when the post arrived. */
  t: number;
}

export interface InvocationTiming {
  requestId: string;
  /** performance.now() when the event was handed out on /next. */
  handedOutAt: number;
  result: PostedResult;
}

export interface InvokeOptions {
  timeoutMs: number;
  functionArn?: string;
  requestId?: string;
  /** Called when the runtime picks the event up (the invoke's timeout starts there). */
  onHandout?: (t: number) => void;
}

interface Pending {
  requestId: string;
  payload: string;
  timeoutMs: number;
  functionArn: string;
  handedOutAt?: number;
  onHandout?: (t: number) => void;
  resolve: (r: InvocationTiming) => void;
}

export class RuntimeApiServer {
  readonly log: ProtocolEntry[] = [];
  /** performance.now() of the first GET /next: the end of init. */
  firstNextAt: number | null = null;
  initError: PostedResult | null = null;
  private queue: Pending[] = [];
  private waitingNext: http.ServerResponse[] = [];
  private inflight = new Map<string, Pending>();
  private done = new Set<string>();
  private listeners: { firstNext: (() => void)[]; initError: (() => void)[] } = { firstNext: [], initError: [] };

  private constructor(private readonly server: http.Server) {}

  static async start(): Promise<RuntimeApiServer> {
    const server = http.createServer();
    const api = new RuntimeApiServer(server);
    server.on('request', (req, res) => api.handle(req, res));
    // A long-polling /next must not be cut by Node's default request timeouts.
    server.requestTimeout = 0;
    server.headersTimeout = 0;
    server.keepAliveTimeout = 60_000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    return api;
  }

  /** host:port, the value of AWS_LAMBDA_RUNTIME_API. */
  get address(): string {
    const a = this.server.address() as AddressInfo;
    return `127.0.0.1:${a.port}`;
  }

  onFirstNext(fn: () => void): void {
    if (this.firstNextAt !== null) fn();
    else this.listeners.firstNext.push(fn);
  }

  onInitError(fn: () => void): void {
    if (this.initError) fn();
    else this.listeners.initError.push(fn);
  }

  /** Queues one event; resolves when the runtime posts its response or error. */
  invoke(payload: string, opts: InvokeOptions): Promise<InvocationTiming> {
    return new Promise((resolve) => {
      const p: Pending = {
        requestId: opts.requestId ?? randomUUID(),
        payload,
        timeoutMs: opts.timeoutMs,
        onHandout: opts.onHandout,
        functionArn: opts.functionArn ?? 'arn:aws:lambda:us-east-1:000000000000:function:faaslight-local',
        resolve,
      };
      this.queue.push(p);
      this.dispatch();
    });
  }

  async close(): Promise<void> {
    for (const res of this.waitingNext.splice(0)) res.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private dispatch(): void {
    while (this.queue.length && this.waitingNext.length) {
      const p = this.queue.shift()!;
      const res = this.waitingNext.shift()!;
      if (res.destroyed) {
        this.queue.unshift(p);
        continue;
      }
      p.handedOutAt = performance.now();
      this.inflight.set(p.requestId, p);
      // The deadline starts when the event is handed out: on Lambda, on-demand init is not part of the timeout.
      res.writeHead(200, {
        'Content-Type': 'application/json',
        'Content-Length': String(Buffer.byteLength(p.payload)),
        'Lambda-Runtime-Deadline-Ms': String(Date.now() + p.timeoutMs),
        'Lambda-Runtime-Aws-Request-Id': p.requestId,
        'Lambda-Runtime-Invoked-Function-Arn': p.functionArn,
        // X-Ray format: Root=1-<epoch seconds hex>-<96-bit random hex>.
        'Lambda-Runtime-Trace-Id': `Root=1-${Math.floor(Date.now() / 1000).toString(16)}-${randomBytes(12).toString('hex')};Parent=${randomBytes(8).toString('hex')};Sampled=0`,
      });
      res.end(p.payload);
      p.onHandout?.(p.handedOutAt);
    }
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const t = performance.now();
    const url = (req.url ?? '').split('?')[0];
    const reply = (status: number, body?: object) => {
      this.log.push({ t, method: req.method ?? '', path: url, status });
      res.writeHead(status, { 'Content-Type': 'application/json' });
      res.end(body ? JSON.stringify(body) : undefined);
    };

    if (req.method === 'GET' && url === `${PREFIX}/invocation/next`) {
      this.log.push({ t, method: 'GET', path: url, status: 200 });
      if (this.firstNextAt === null) {
        this.firstNextAt = t;
        for (const fn of this.listeners.firstNext.splice(0)) fn();
      }
      this.waitingNext.push(res);
      res.on('close', () => {
        const i = this.waitingNext.indexOf(res);
        if (i >= 0) this.waitingNext.splice(i, 1);
      });
      this.dispatch();
      return;
    }

    const m = req.method === 'POST' ? /^\/2018-06-01\/runtime\/(?:invocation\/([^/]+)\/(response|error)|init\/(error))$/.exec(url) : null;
    if (!m) {
      reply(404, { errorType: 'NotFound', errorMessage: `unknown runtime API path ${req.method} ${url}` });
      return;
    }
    readBody(req, MAX_PAYLOAD).then(
      (body) => {
        const errorType = header(req, 'lambda-runtime-function-error-type');
        if (m[3]) {
          // Lambda accepts one init error; the runtime is expected to exit after it.
          if (!this.initError) {
            this.initError = { kind: 'error', body, errorType, t: performance.now() };
            for (const fn of this.listeners.initError.splice(0)) fn();
          }
          reply(202, { status: 'OK' });
          return;
        }
        const id = decodeURIComponent(m[1]);
        const p = this.inflight.get(id);
        if (!p) {
          const already = this.done.has(id);
          reply(400, {
            errorType: already ? 'InvalidStateTransition' : 'InvalidRequestID',
            errorMessage: already ? `invocation ${id} already completed` : `unknown request id ${id}`,
          });
          return;
        }
        this.inflight.delete(id);
        this.done.add(id);
        reply(202, { status: 'OK' });
        p.resolve({
          requestId: id,
          handedOutAt: p.handedOutAt!,
          result: { kind: m[2] as 'response' | 'error', body, errorType, t },
        });
      },
      () => reply(413, { errorType: 'RequestEntityTooLarge', errorMessage: `payload over ${MAX_PAYLOAD} bytes` }),
    );
  }
}

function header(req: http.IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function readBody(req: http.IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        reject(new Error('too large'));
        req.resume();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

// The pool behind Lambda's Invoke API (POST /2015-03-31/functions/{name}/invocations) on 127.0.0.1:
// 200 with the response; 200 with X-Amz-Function-Error: Unhandled when the function failed (handler
// error, init error, timeout, crash); 429 TooManyRequestsException when the concurrency limit is
// reached. X-Faaslight-* headers tell the client what happened inside (cold, instance, timings).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import type { InstancePool } from './pool.js';

const ROUTE = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/;
const MAX_PAYLOAD = 6 * 1024 * 1024;

export class InvokeApi {
  private constructor(
    private readonly server: http.Server,
    readonly functionName: string,
  ) {}

  static async start(pool: InstancePool, functionName = 'faaslight-local'): Promise<InvokeApi> {
    const server = http.createServer((req, res) => void handle(pool, functionName, req, res));
    server.keepAliveTimeout = 60_000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    return new InvokeApi(server, functionName);
  }

  get url(): string {
    const a = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${a.port}/2015-03-31/functions/${this.functionName}/invocations`;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}

function send(res: http.ServerResponse, status: number, headers: Record<string, string>, body: string): void {
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(body)), ...headers });
  res.end(body);
}

async function handle(pool: InstancePool, name: string, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  const requestId = randomUUID();
  const m = ROUTE.exec((req.url ?? '').split('?')[0]);
  if (req.method !== 'POST' || !m || decodeURIComponent(m[1]) !== name) {
    send(
      res,
      404,
      { 'x-amzn-ErrorType': 'ResourceNotFoundException', 'x-amzn-RequestId': requestId },
      JSON.stringify({ Type: 'User', message: `Function not found: ${req.url}` }),
    );
    return;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req as AsyncIterable<Buffer>) {
    size += c.length;
    if (size > MAX_PAYLOAD) {
      send(
        res,
        413,
        { 'x-amzn-ErrorType': 'RequestTooLargeException', 'x-amzn-RequestId': requestId },
        JSON.stringify({ Type: 'User', message: 'Request must be smaller than 6291456 bytes for the InvokeFunction operation' }),
      );
      return;
    }
    chunks.push(c);
  }
  const payload = chunks.length ? Buffer.concat(chunks).toString('utf8') : '{}';
  const out = await pool.invoke(payload);
  const inside: Record<string, string> = {
    'x-amzn-RequestId': requestId,
    'X-Faaslight-Kind': out.kind,
    'X-Faaslight-Cold': out.cold ? '1' : '0',
    ...(out.instance !== undefined ? { 'X-Faaslight-Instance': String(out.instance) } : {}),
    ...(out.serviceMs !== undefined ? { 'X-Faaslight-Service-Ms': out.serviceMs.toFixed(3) } : {}),
    ...(out.initMs !== undefined ? { 'X-Faaslight-Init-Ms': out.initMs.toFixed(3) } : {}),
  };
  if (out.kind === 'throttled') {
    send(res, 429, { ...inside, 'x-amzn-ErrorType': 'TooManyRequestsException' }, out.body);
    return;
  }
  const fnError: Record<string, string> = out.kind === 'ok' ? {} : { 'X-Amz-Function-Error': 'Unhandled' };
  send(res, 200, { ...inside, 'X-Amz-Executed-Version': '$LATEST', ...fnError }, out.body);
}

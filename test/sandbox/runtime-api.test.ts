// The Runtime API server against a plain HTTP client: what a runtime sees on each call.
import http from 'node:http';
import { afterEach, expect, test } from 'vitest';
import { RuntimeApiServer } from '../../src/sandbox/index.js';

let server: RuntimeApiServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

function call(api: string, method: string, path: string, body?: string, headers: Record<string, string> = {}) {
  const [host, port] = api.split(':');
  return new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }>((resolve, reject) => {
    const req = http.request({ host, port: Number(port), method, path, agent: false, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const NEXT = '/2018-06-01/runtime/invocation/next';

test('next hands out a queued event with the Lambda-Runtime-* headers; response and error are accepted once', async () => {
  server = await RuntimeApiServer.start();
  expect(server.address).toMatch(/^127\.0\.0\.1:\d+$/);
  const first = server.invoke('{"a":1}', { timeoutMs: 5000, requestId: 'req-1', functionArn: 'arn:test' });
  const before = Date.now();
  const next = await call(server.address, 'GET', NEXT);
  expect(next.status).toBe(200);
  expect(next.body).toBe('{"a":1}');
  expect(next.headers['content-type']).toBe('application/json');
  expect(next.headers['lambda-runtime-aws-request-id']).toBe('req-1');
  expect(next.headers['lambda-runtime-invoked-function-arn']).toBe('arn:test');
  expect(next.headers['lambda-runtime-trace-id']).toMatch(/^Root=1-[0-9a-f]{8}-[0-9a-f]{24};Parent=[0-9a-f]{16};Sampled=0$/);
  const deadline = Number(next.headers['lambda-runtime-deadline-ms']);
  expect(deadline).toBeGreaterThanOrEqual(before + 5000);
  expect(deadline).toBeLessThan(Date.now() + 5000 + 50);

  const posted = await call(server.address, 'POST', '/2018-06-01/runtime/invocation/req-1/response', '{"ok":true}');
  expect(posted).toMatchObject({ status: 202, body: '{"status":"OK"}' });
  const timing = await first;
  expect(timing.requestId).toBe('req-1');
  expect(timing.result).toMatchObject({ kind: 'response', body: '{"ok":true}' });
  expect(timing.result.t).toBeGreaterThanOrEqual(timing.handedOutAt);
  expect(server.firstNextAt).toBeLessThanOrEqual(timing.handedOutAt);

  // Answering twice, or for an id never handed out, is refused like Lambda does.
  expect(await call(server.address, 'POST', '/2018-06-01/runtime/invocation/req-1/response', '{}')).toMatchObject({ status: 400 });
  expect(JSON.parse((await call(server.address, 'POST', '/2018-06-01/runtime/invocation/nope/error', '{}')).body)).toEqual({
    errorType: 'InvalidRequestID',
    errorMessage: 'unknown request id nope',
  });

  // An error response with its type header.
  const second = server.invoke('{}', { timeoutMs: 1000, requestId: 'req-2' });
  await call(server.address, 'GET', NEXT);
  const errBody = '{"errorType":"TypeError","errorMessage":"x","trace":[]}';
  await call(server.address, 'POST', '/2018-06-01/runtime/invocation/req-2/error', errBody, { 'Lambda-Runtime-Function-Error-Type': 'TypeError' });
  expect((await second).result).toMatchObject({ kind: 'error', body: errBody, errorType: 'TypeError' });

  expect(server.log.map((e) => `${e.method} ${e.path} ${e.status}`)).toEqual([
    `GET ${NEXT} 200`,
    'POST /2018-06-01/runtime/invocation/req-1/response 202',
    'POST /2018-06-01/runtime/invocation/req-1/response 400',
    'POST /2018-06-01/runtime/invocation/nope/error 400',
    `GET ${NEXT} 200`,
    'POST /2018-06-01/runtime/invocation/req-2/error 202',
  ]);
});

test('next long-polls until an event is queued', async () => {
  server = await RuntimeApiServer.start();
  let answered = false;
  const pending = call(server.address, 'GET', NEXT).then((r) => {
    answered = true;
    return r;
  });
  await new Promise<void>((r) => server!.onFirstNext(r));
  expect(answered).toBe(false);
  const done = server.invoke('"late"', { timeoutMs: 1000, requestId: 'r' });
  expect((await pending).body).toBe('"late"');
  await call(server.address, 'POST', '/2018-06-01/runtime/invocation/r/response', 'null');
  expect((await done).result.body).toBe('null');
});

test('init error is recorded once; unknown paths are 404', async () => {
  server = await RuntimeApiServer.start();
  let fired = 0;
  server.onInitError(() => fired++);
  const body = '{"errorType":"Runtime.ImportModuleError","errorMessage":"nope"}';
  expect(
    (await call(server.address, 'POST', '/2018-06-01/runtime/init/error', body, { 'Lambda-Runtime-Function-Error-Type': 'Runtime.ImportModuleError' })).status,
  ).toBe(202);
  expect((await call(server.address, 'POST', '/2018-06-01/runtime/init/error', '{}')).status).toBe(202);
  expect(fired).toBe(1);
  expect(server.initError).toMatchObject({ kind: 'error', body, errorType: 'Runtime.ImportModuleError' });
  expect((await call(server.address, 'GET', '/2018-06-01/runtime/other')).status).toBe(404);
  expect((await call(server.address, 'POST', '/2018-06-01/runtime/invocation/x/other', '{}')).status).toBe(404);
});

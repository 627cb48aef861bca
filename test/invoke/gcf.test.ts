// The GCF path: the official client (@google-cloud/functions, REST transport) talks to a 127.0.0.1
// server that answers the API with the recorded responses of fixtures/invoke/gcf and a function call by
// running the zip actually uploaded for that function under the real Functions Framework; the test checks
// the requests the client built and what was parsed from the answers. No network.
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { UsageError } from '../../src/diagnostics.js';
import { bumpRequest, createRequest, describeGcfError, gcfFunctionIds, parseFunction } from '../../src/invoke/gcf/api.js';
import { invoke, type InvokeOptions } from '../../src/invoke/index.js';
import { coldStart } from '../../src/measure/index.js';

const ROOT = path.resolve(__dirname, '../..');
const REC = path.join(ROOT, 'fixtures/invoke/gcf');
const APP = path.join(ROOT, 'fixtures/measure/gcf-node');
// The same function with one more field in its answer: a B that must not pass as identical.
const OTHER = path.join(ROOT, 'fixtures/invoke/gcf-other');
const EVENT = path.join(ROOT, 'fixtures/invoke/aws/event.json');
const PROJECT = 'demo-project';

interface Logged {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/**
 * Replays the recorded API responses, filling in names, and keeps just enough state: which functions exist
 * and which uploaded zip each one runs. A call to a function runs that zip, so A and B answer as their
 * own code does and "identical outputs" can fail.
 */
class Replay {
  readonly log: Logged[] = [];
  readonly functions = new Map<string, { memory: string; cold: string; revision: number; zip: string; entryPoint: string }>();
  private uploads = new Map<string, string>();
  private dir = mkdtempSync(path.join(os.tmpdir(), 'fl-gcf-replay-'));
  faults: { match: RegExp; status: number; file: string; times: number }[] = [];
  private ops = 0;
  private pendingOps = new Map<string, { id: string; verb: string }>();
  private server = http.createServer((req, res) => this.handle(req, res));

  async start(): Promise<this> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', () => r()));
    return this;
  }
  get base(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }
  close(): Promise<void> {
    this.server.closeAllConnections();
    rmSync(this.dir, { recursive: true, force: true });
    return new Promise((r) => this.server.close(() => r()));
  }
  api(): Logged[] {
    return this.log.filter((l) => l.path.startsWith('/v2/'));
  }

  private fill(file: string, vars: Record<string, string>): string {
    return readFileSync(path.join(REC, file), 'utf8').replace(/\{\{(\w+)\}\}/g, (_m, k: string) => vars[k] ?? `{{${k}}}`);
  }
  private fn(id: string, op: string): string {
    const f = this.functions.get(id)!;
    return this.fill('function-active.json', {
      base: this.base,
      project: PROJECT,
      id,
      op,
      memory: f.memory,
      cold: f.cold,
      revision: String(f.revision).padStart(5, '0'),
    });
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', this.base);
      const entry: Logged = {
        method: req.method ?? '',
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        headers: req.headers,
        body: Buffer.concat(chunks),
      };
      this.log.push(entry);
      const send = (status: number, text: string) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(text);
      };
      const fault = this.faults.find((f) => f.times > 0 && f.match.test(`${entry.method} ${entry.path}`));
      if (fault) {
        fault.times--;
        return send(fault.status, this.fill(fault.file, { project: PROJECT }));
      }
      const op = `operation-${++this.ops}`;
      const fnPath = `/v2/projects/${PROJECT}/locations/us-central1/functions`;
      let m: RegExpExecArray | null;
      if (entry.method === 'POST' && entry.path === `${fnPath}:generateUploadUrl`)
        return send(200, this.fill('generate-upload-url.json', { base: this.base, op }));
      if (entry.method === 'PUT' && (m = /^\/upload\/([\w-]+\.zip)$/.exec(entry.path))) {
        const zip = path.join(this.dir, m[1]);
        writeFileSync(zip, entry.body);
        this.uploads.set(m[1], zip);
        return send(200, '');
      }
      if (entry.method === 'POST' && entry.path === fnPath) {
        const id = entry.query.functionId;
        const body = JSON.parse(entry.body.toString());
        const zip = this.uploads.get(body.buildConfig.source.storageSource.object);
        if (!zip)
          return send(
            400,
            JSON.stringify({ error: { code: 400, message: `no upload for ${body.buildConfig.source.storageSource.object}`, status: 'INVALID_ARGUMENT' } }),
          );
        this.functions.set(id, {
          memory: body.serviceConfig.availableMemory,
          cold: body.serviceConfig.environmentVariables.FAASLIGHT_COLD_START,
          revision: 1,
          zip,
          entryPoint: body.buildConfig.entryPoint,
        });
        this.pendingOps.set(op, { id, verb: 'create' });
        return send(200, this.fill('operation-running.json', { project: PROJECT, id, op, verb: 'create' }));
      }
      if (entry.method === 'GET' && (m = /\/operations\/(operation-\d+)$/.exec(entry.path))) {
        const p = this.pendingOps.get(m[1])!;
        return send(200, this.fill('operation-done.json', { project: PROJECT, id: p.id, op: m[1], verb: p.verb, function: this.fn(p.id, m[1]) }));
      }
      if ((m = new RegExp(`^${fnPath}/([a-z0-9-]+)$`).exec(entry.path))) {
        const id = m[1];
        if (!this.functions.has(id)) return send(404, this.fill('error-not-found.json', { project: PROJECT, id }));
        if (entry.method === 'GET') return send(200, this.fn(id, op));
        if (entry.method === 'DELETE') {
          this.functions.delete(id);
          return send(200, this.fill('operation-delete-done.json', { project: PROJECT, id, op }));
        }
        if (entry.method === 'PATCH') {
          const body = JSON.parse(entry.body.toString());
          const f = this.functions.get(id)!;
          Object.assign(f, {
            memory: body.serviceConfig?.availableMemory ?? f.memory,
            cold: body.serviceConfig?.environmentVariables?.FAASLIGHT_COLD_START ?? f.cold,
            revision: f.revision + 1,
          });
          return send(200, this.fill('operation-done.json', { project: PROJECT, id, op, verb: 'update', function: this.fn(id, op) }));
        }
      }
      if (entry.method === 'POST' && (m = /^\/run\/([a-z0-9-]+)$/.exec(entry.path))) {
        const f = this.functions.get(m[1]);
        if (!f) return send(404, JSON.stringify({ error: { code: 404, message: `no function ${m[1]}`, status: 'NOT_FOUND' } }));
        // The spec the app loader gives for a GCF Node target (the runtime loads package.json "main").
        const spec = {
          handler: f.entryPoint,
          file: '',
          exportName: f.entryPoint,
          runtime: 'nodejs' as const,
          style: 'gcf' as const,
          source: '--handler' as const,
        };
        void coldStart(f.zip, spec, JSON.parse(entry.body.toString()), { platform: 'gcf' }).then((r) => {
          const out = r.output as { status: number; body: unknown } | null;
          if (r.error || !out) return send(500, JSON.stringify({ error: r.error ?? 'no output' }));
          send(out.status, JSON.stringify(out.body));
        });
        return;
      }
      send(404, JSON.stringify({ error: { code: 404, message: `no recording for ${entry.method} ${entry.path}`, status: 'NOT_FOUND' } }));
    });
  }
}

let rp: Replay;
beforeEach(async () => {
  rp = await new Replay().start();
});
afterEach(() => rp.close());

function opts(extra: Partial<InvokeOptions> = {}): InvokeOptions & { lines: string[] } {
  const lines: string[] = [];
  return {
    input: APP,
    provider: 'gcf',
    handler: 'hello',
    project: PROJECT,
    endpoint: rp.base,
    event: EVENT,
    runs: 2,
    warmup: 0,
    retryBaseMs: 5,
    retryCapMs: 40,
    onProgress: (l) => lines.push(l),
    lines,
    ...extra,
  };
}

describe('GCF request building', () => {
  const s = {
    project: PROJECT,
    region: 'us-central1',
    functionId: 'faaslight-app-a',
    runtime: 'nodejs20',
    entryPoint: 'hello',
    memoryMb: 512,
    timeoutS: 60,
    env: { FAASLIGHT_COLD_START: 'deploy' },
    storageSource: { bucket: 'b', object: 'o.zip' },
  };
  test('create: a 2nd-gen HTTP function from the uploaded zip, one instance at most, all traffic on the latest revision', () => {
    expect(createRequest(s)).toEqual({
      parent: 'projects/demo-project/locations/us-central1',
      functionId: 'faaslight-app-a',
      function: {
        name: 'projects/demo-project/locations/us-central1/functions/faaslight-app-a',
        environment: 'GEN_2',
        buildConfig: { runtime: 'nodejs20', entryPoint: 'hello', source: { storageSource: { bucket: 'b', object: 'o.zip' } } },
        serviceConfig: {
          availableMemory: '512Mi',
          timeoutSeconds: 60,
          environmentVariables: { FAASLIGHT_COLD_START: 'deploy' },
          maxInstanceCount: 1,
          ingressSettings: 'ALLOW_ALL',
          allTrafficOnLatestRevision: true,
        },
        labels: { 'deployed-by': 'faaslight' },
      },
    });
  });
  test('bump: only the environment and memory change (a new revision)', () => {
    expect(bumpRequest('projects/p/locations/l/functions/f', { X: '1' }, 256)).toEqual({
      function: { name: 'projects/p/locations/l/functions/f', serviceConfig: { environmentVariables: { X: '1' }, availableMemory: '256Mi' } },
      updateMask: { paths: ['service_config.environment_variables', 'service_config.available_memory'] },
    });
  });
  test.each([
    ['faaslight-App_23JS', { A: 'faaslight-app-23js-a', B: 'faaslight-app-23js-b' }],
    ['9lives', { A: 'lives-a', B: 'lives-b' }],
    ['9', { A: 'fl-a', B: 'fl-b' }],
  ])('function ids from prefix %s', (prefix, ids) => {
    expect(gcfFunctionIds(prefix)).toEqual(ids);
  });
});

describe('GCF response parsing (recorded responses)', () => {
  test('a failed deployment: numeric enums and state messages', () => {
    expect(parseFunction(JSON.parse(readFileSync(path.join(REC, 'function-failed.json'), 'utf8')))).toEqual({
      name: 'projects/demo-project/locations/us-central1/functions/faaslight-app-b',
      state: 'FAILED',
      uri: undefined,
      revision: undefined,
      memory: '256Mi',
      messages: [
        "CloudRunServiceNotReady: Could not create or update Cloud Run service faaslight-app-b, Container Healthcheck failed. Revision 'faaslight-app-b-00001-abc' is not ready and cannot serve traffic.",
      ],
    });
  });
  test('errors become messages that say what to do', () => {
    expect(
      describeGcfError(
        { code: 7, message: '7 PERMISSION_DENIED: Cloud Functions API has not been used in project 123 before or it is disabled. Enable it' },
        'x',
      ),
    ).toBeInstanceOf(UsageError);
    expect(describeGcfError({ code: 7, message: 'Permission denied on resource' }, 'createFunction f').message).toMatch(
      /needs roles\/cloudfunctions\.developer and roles\/iam\.serviceAccountUser/,
    );
    expect(describeGcfError({ code: 16, message: 'Request had invalid authentication credentials. ya29.secret-token' }, 'x').message).not.toContain(
      'secret-token',
    );
  });
});

describe('invoke --provider gcf against recorded responses', () => {
  test('upload, create (long-running operation), new revision per round, cold and warm calls, delete', async () => {
    const o = opts({ memory: [256, 512] });
    const results = await invoke(o);
    expect(results.map((r) => [r.platform, r.memoryMb, r.cloud?.project, r.cloud?.runtimeId, r.identicalOutputs])).toEqual([
      ['gcf', 256, PROJECT, 'nodejs20', true],
      ['gcf', 512, PROJECT, 'nodejs20', true],
    ]);
    for (const r of results)
      for (const p of r.packages) {
        expect(p.samples).toHaveLength(2);
        for (const s of p.samples) {
          expect(s.error).toBeUndefined();
          expect(s.output).toEqual({ status: 200, body: { got: { path: '/hello', n: 1 }, method: 'POST' } });
          expect(s.e2eMs).toBeGreaterThan(0);
          expect(s.warmMs).toBeGreaterThan(0);
          expect(s.initMs).toBeNull();
          expect(s.cloud).toMatchObject({ memorySizeMb: r.memoryMb });
        }
      }
    const api = rp.api().map((l) => `${l.method} ${l.path.replace(`/v2/projects/${PROJECT}/locations/us-central1`, '')}`);
    // Deploy (A and B concurrently), then per round two PATCHes, then the deletes.
    expect(api.filter((a) => a.startsWith('POST /functions:generateUploadUrl'))).toHaveLength(2);
    expect(api.filter((a) => a === 'POST /functions')).toHaveLength(2);
    expect(api.filter((a) => a.startsWith('PATCH '))).toHaveLength(2 * 2 * 2);
    expect(api.slice(-2).sort()).toEqual(['DELETE /functions/faaslight-gcf-node-a', 'DELETE /functions/faaslight-gcf-node-b']);
    expect(rp.functions.size).toBe(0);

    const create = rp.log.find((l) => l.method === 'POST' && l.path.endsWith('/functions'))!;
    expect(create.headers.authorization).toBe('Bearer local-endpoint-token');
    const body = JSON.parse(create.body.toString());
    expect(body).toMatchObject({
      name: expect.stringMatching(/^projects\/demo-project\/locations\/us-central1\/functions\/faaslight-gcf-node-[ab]$/),
      environment: 2,
      buildConfig: { runtime: 'nodejs20', entryPoint: 'hello', source: { storageSource: { bucket: 'gcf-v2-uploads-123456789012-us-central1' } } },
      serviceConfig: {
        availableMemory: '256Mi',
        maxInstanceCount: 1,
        allTrafficOnLatestRevision: true,
        environmentVariables: { FAASLIGHT_COLD_START: 'deploy' },
      },
    });
    const patches = rp.log.filter((l) => l.method === 'PATCH');
    expect(patches[0].query.updateMask).toBe('service_config.environment_variables,service_config.available_memory');
    // Every round gives each function a value it has not had: a new revision.
    for (const fn of ['faaslight-gcf-node-a', 'faaslight-gcf-node-b']) {
      const colds = patches
        .filter((p) => p.path.endsWith(fn))
        .map((p) => JSON.parse(p.body.toString()).serviceConfig.environmentVariables.FAASLIGHT_COLD_START);
      expect(colds).toHaveLength(4);
      expect(new Set(colds).size).toBe(4);
    }
    expect(JSON.parse(patches.at(-1)!.body.toString()).serviceConfig.availableMemory).toBe('512Mi');

    // The zips went to the signed URLs with the headers they require.
    const uploads = rp.log.filter((l) => l.method === 'PUT');
    expect(uploads).toHaveLength(2);
    for (const u of uploads) {
      expect(u.headers['content-type']).toBe('application/zip');
      expect(u.headers['x-goog-content-length-range']).toBe('0,104857600');
      expect(u.body.subarray(0, 4).toString('hex')).toBe('504b0304');
    }
    expect(new Set(uploads.map((u) => createHash('sha256').update(u.body).digest('hex'))).size).toBe(2);
    const calls = rp.log.filter((l) => l.path.startsWith('/run/'));
    expect(calls).toHaveLength(2 * 2 * 2 * 2);
    expect(JSON.parse(calls[0].body.toString())).toEqual({ path: '/hello', n: 1 });
    expect(o.lines.some((l) => /^\[512 MB\] B run 2\/2: cold call [\d.]+ ms, warm call [\d.]+ ms$/.test(l))).toBe(true);
  });

  test('B answers differently from A: not identical, FL301 names the runs', async () => {
    const [r] = await invoke(opts({ vs: OTHER }));
    expect(r.identicalOutputs).toBe(false);
    expect(r.outputDifferences).toEqual([0, 1]);
    expect(r.diagnostics).toContainEqual(expect.objectContaining({ id: 'FL301', message: 'A and B answered differently on run(s) 0, 1' }));
    const [a, b] = r.packages;
    expect(a.samples.map((s) => s.output)).toEqual([0, 1].map(() => ({ status: 200, body: { got: { path: '/hello', n: 1 }, method: 'POST' } })));
    expect(b.samples.map((s) => s.output)).toEqual(
      [0, 1].map(() => ({ status: 200, body: { got: { path: '/hello', n: 1 }, method: 'POST', variant: 'other' } })),
    );
  });

  test('quota (429 RESOURCE_EXHAUSTED) is retried and said; a disabled API is a usage error naming the APIs', async () => {
    rp.faults.push({ match: /^PATCH /, status: 429, file: 'error-quota.json', times: 2 });
    const o = opts({ runs: 1, vs: APP });
    const [r] = await invoke(o);
    expect(r.cloud!.throttleRetries).toBe(2);
    expect(o.lines.filter((l) => /updateFunction faaslight-gcf-node-[ab]: throttled \(429 RESOURCE_EXHAUSTED\): retry 1\/5/.test(l))).toHaveLength(2);

    // Cloud Run's 429 (no instance available) on a function call is retried too.
    rp.faults.push({ match: /^POST \/run\//, status: 429, file: 'error-quota.json', times: 1 });
    const o2 = opts({ runs: 1, vs: APP });
    const [r2] = await invoke(o2);
    expect(r2.cloud!.throttleRetries).toBe(1);
    expect(o2.lines.some((l) => /^cold call: throttled \(429 RESOURCE_EXHAUSTED\): retry 1\/5/.test(l))).toBe(true);
    expect(r2.packages.every((p) => p.summary.ok === 1)).toBe(true);

    rp.faults.push({ match: /generateUploadUrl/, status: 403, file: 'error-api-disabled.json', times: 2 });
    const err = await invoke(opts({ runs: 1, vs: APP })).catch((e: Error) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect((err as Error).message).toMatch(/an API is not enabled .*enable cloudfunctions\.googleapis\.com, cloudbuild\.googleapis\.com, run\.googleapis\.com/);
  });

  test('an AWS-style handler is refused: GCF deploys HTTP functions', async () => {
    await expect(
      invoke(opts({ input: path.join(ROOT, 'fixtures/invoke/aws/app'), handler: undefined, vs: path.join(ROOT, 'fixtures/invoke/aws/app') })),
    ).rejects.toThrow(/GCF deploys HTTP functions/);
  });
});

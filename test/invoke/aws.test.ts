// The AWS path end to end: the real @aws-sdk/client-lambda against the local Lambda API endpoint,
// which runs real local cold starts (new process per new configuration) on the local Runtime API.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, test } from 'vitest';
import { invoke, LocalLambdaEndpoint, type InvokeOptions } from '../../src/invoke/index.js';
import { writeZip } from '../../src/package/zip.js';
import { costPerMillion } from '../../src/invoke/pricing.js';
import { FaaslightError, UsageError } from '../../src/diagnostics.js';

const ROOT = path.resolve(__dirname, '../..');
const FIX = path.join(ROOT, 'fixtures/invoke/aws');
const APP = path.join(FIX, 'app');
const EVENT = path.join(FIX, 'event.json');
const ROLE = 'arn:aws:iam::123456789012:role/faaslight-test';
// Dummy static credentials: the local endpoint does not verify signatures.
const CREDS = { accessKeyId: 'AKIDTESTLOCAL0000000', secretAccessKey: 'test-secret-not-a-real-one-0000' };
const tmp = mkdtempSync(path.join(os.tmpdir(), 'faaslight-invoke-test-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

let ep: LocalLambdaEndpoint;
beforeEach(async () => {
  ep = await LocalLambdaEndpoint.start({ pendingMs: 30, runtimeClient: 'builtin' });
});
afterEach(async () => {
  await ep.close();
});

function opts(extra: Partial<InvokeOptions> = {}): InvokeOptions & { lines: string[] } {
  const lines: string[] = [];
  return {
    input: APP,
    provider: 'aws',
    region: 'eu-west-1',
    endpoint: ep.url,
    role: ROLE,
    credentials: CREDS,
    event: EVENT,
    runs: 2,
    warmup: 0,
    pollMs: 10,
    retryBaseMs: 5,
    retryCapMs: 40,
    onProgress: (l) => lines.push(l),
    lines,
    ...extra,
  };
}

describe('invoke --provider aws through the local Lambda API', () => {
  test('A = app, B = app optimized: deploy, forced cold + warm rounds, memory sweep, REPORT figures, cost, clean-up', async () => {
    const o = opts({ memory: [256, 512] });
    const results = await invoke(o);
    expect(results.map((r) => [r.platform, r.memoryMb, r.runs, r.packages.length])).toEqual([
      ['aws', 256, 2, 2],
      ['aws', 512, 2, 2],
    ]);
    for (const r of results) {
      expect(JSON.parse(JSON.stringify(r))).toEqual(r);
      expect(r.identicalOutputs).toBe(true);
      expect(r.cloud).toMatchObject({
        provider: 'aws',
        region: 'eu-west-1',
        endpoint: ep.url,
        runtimeId: 'nodejs20.x',
        architecture: 'x86_64',
        droppedCold: 0,
        droppedWarm: 0,
        throttleRetries: 0,
        cleanedUp: true,
      });
      expect(r.cloud!.functions).toEqual({ A: 'faaslight-app-a', B: 'faaslight-app-b' });
      for (const p of r.packages) {
        expect(p.samples.map((s) => s.run)).toEqual([0, 1]);
        for (const s of p.samples) {
          expect(s.error).toBeUndefined();
          expect(s.output).toEqual({ ok: true, echo: { path: '/hello', n: 1 }, text: 'event with 2 key(s)' });
          expect(s.initMs).toBeGreaterThan(0);
          expect(s.e2eMs).toBeCloseTo(s.initMs! + s.durationMs!, 1);
          expect(s.warmMs).toBeGreaterThan(0);
          expect(s.cloud!.memorySizeMb).toBe(r.memoryMb);
          expect(s.cloud!.maxMemoryUsedMb).toBeGreaterThan(0);
          // Init is billed: the billed duration covers init + duration.
          expect(s.cloud!.billedMs).toBeGreaterThanOrEqual(Math.floor(s.initMs! + s.durationMs!));
          // Costs follow the billed durations (a warm invoke of a tiny handler may well outlast its cold one).
          expect(s.cloud!.coldCostPerMillionUsd).toBeCloseTo(costPerMillion(r.cloud!.pricing!, r.memoryMb!, s.cloud!.billedMs!), 9);
          expect(s.cloud!.warmCostPerMillionUsd).toBeCloseTo(costPerMillion(r.cloud!.pricing!, r.memoryMb!, s.cloud!.warmBilledMs!), 9);
        }
        expect(p.summary.initMs!.n).toBe(2);
        expect(p.summary.coldCostPerMillionUsd!.n).toBe(2);
      }
      expect(r.comparison?.metric).toBe('e2eMs');
    }
    // Every counted cold sample was a real new instance, every warm one a reused instance.
    expect(ep.stats.coldStarts).toBe(2 * 2 * 2);
    expect(ep.stats.warmInvokes).toBe(2 * 2 * 2);
    expect(o.lines.some((l) => /faaslight-app-a: creating \(nodejs20\.x, x86_64, 256 MB\)/.test(l))).toBe(true);
    expect(o.lines.filter((l) => /^\[512 MB\] [AB] run \d\/2: init [\d.]+ ms/.test(l))).toHaveLength(4);
    expect(ep.functionNames()).toEqual([]);
    expect(JSON.stringify(results)).not.toContain(CREDS.secretAccessKey);
  });

  test('throttling: 429s are retried with backoff, said in the progress and counted', async () => {
    ep.throttle(3);
    const o = opts({ runs: 1, vs: APP });
    const [r] = await invoke(o);
    expect(r.cloud!.throttleRetries).toBe(3);
    expect(
      o.lines.filter((l) =>
        /Invoke faaslight-app-a: throttled \(429 TooManyRequestsException, ConcurrentInvocationLimitExceeded\): retry \d\/5 in \d+ ms/.test(l),
      ),
    ).toHaveLength(3);
    expect(r.packages.map((p) => p.summary.ok)).toEqual([1, 1]);
    expect(r.notes).toContain('3 request(s) were throttled (429) and retried with backoff');
  });

  test('throttling that never ends fails with a clear message, and the functions are still deleted', async () => {
    ep.throttle(100);
    await expect(invoke(opts({ runs: 1, vs: APP }))).rejects.toThrow(
      /still throttled after retries \(429 TooManyRequestsException, ConcurrentInvocationLimitExceeded\)/,
    );
    expect(ep.functionNames()).toEqual([]);
  });

  test('a function that fails at init: every cold sample is an init-error with the message, no timings invented', async () => {
    const o = opts({ vs: path.join(FIX, 'init-error') });
    const [r] = await invoke(o);
    const [a, b] = r.packages;
    expect(a.summary).toMatchObject({ ok: 2, failed: 0 });
    expect(b.summary).toMatchObject({ ok: 0, failed: 2, initMs: null });
    for (const s of b.samples) {
      expect(s.error).toMatchObject({ kind: 'init-error', phase: 'init' });
      expect(s.error!.message).toContain('boom at init: CONFIG_URL is not set');
      expect(s.error!.stderrTail).toContain('loading config');
      expect(s.initMs).toBeNull();
      expect(s.warmMs).toBeNull();
    }
    expect(r.identicalOutputs).toBe(false);
    expect(r.diagnostics.map((d) => d.id)).toEqual(['FL303', 'FL303', 'FL301']);
  });

  test('warm samples are never counted as cold: forced "cold" invokes that reuse an instance are dropped', async () => {
    await ep.close();
    ep = await LocalLambdaEndpoint.start({ pendingMs: 30, runtimeClient: 'builtin', keepInstancesOnUpdate: true });
    const o = opts({ runs: 3, vs: APP });
    const [r] = await invoke(o);
    // Only the first round started instances; the later forced cold invokes landed on them.
    expect(ep.stats.coldStarts).toBe(2);
    expect(r.packages.map((p) => p.samples.length)).toEqual([1, 1]);
    expect(r.packages.every((p) => p.samples.every((s) => s.initMs !== null && s.run === 0))).toBe(true);
    expect(r.cloud!.droppedCold).toBe(4);
    expect(r.notes).toContain('4 forced cold invoke(s) had no Init Duration (a reused execution environment): left out, not counted as cold');
    expect(o.lines.filter((l) => l.includes('dropped: the forced cold invoke has no Init Duration'))).toHaveLength(4);
  });

  test('Pending: invokes wait for Active / Successful; a function stuck in Pending is an error', async () => {
    await ep.close();
    ep = await LocalLambdaEndpoint.start({ pendingMs: 150, runtimeClient: 'builtin' });
    const [r] = await invoke(opts({ runs: 1, vs: APP }));
    expect(r.packages.map((p) => p.summary.ok)).toEqual([1, 1]);
    await ep.close();
    ep = await LocalLambdaEndpoint.start({ pendingMs: 60_000, runtimeClient: 'builtin' });
    await expect(invoke(opts({ runs: 1, vs: APP, deployTimeoutMs: 200 }))).rejects.toThrow(
      /faaslight-app-[ab]: still Pending \(The function is being created\.\) after 0 s: giving up/,
    );
    expect(ep.functionNames()).toEqual([]);
  });

  test.each([
    [
      'expired token',
      { status: 403, type: 'ExpiredTokenException', message: 'The security token included in the request is expired' },
      UsageError,
      /the AWS credentials have expired \(ExpiredTokenException\): refresh them/,
    ],
    [
      'account limit',
      { op: 'CreateFunction' as const, status: 400, type: 'CodeStorageExceededException', message: 'Code storage limit exceeded.' },
      FaaslightError,
      /account limit reached: the code storage of this account and region is full/,
    ],
    [
      'access denied',
      { status: 403, type: 'AccessDeniedException', message: 'User AKIAABCDEFGHIJKLMNOP is not authorized to perform lambda:GetFunction' },
      UsageError,
      /access denied \(User AKIA\*{16} is not authorized/,
    ],
  ])('%s: a clear error, credentials not shown', async (_name, fault, cls, re) => {
    ep.inject({ times: 1, ...fault });
    const err = await invoke(opts({ runs: 1, vs: APP })).catch((e: Error) => e);
    expect(err).toBeInstanceOf(cls);
    expect((err as Error).message).toMatch(re);
    expect((err as Error).message).not.toContain('AKIAABCDEFGHIJKLMNOP');
  });

  test('usage errors before anything is created: no region, no role, a zip over 50 MB', async () => {
    const saved = { r: process.env.AWS_REGION, d: process.env.AWS_DEFAULT_REGION };
    delete process.env.AWS_REGION;
    delete process.env.AWS_DEFAULT_REGION;
    try {
      await expect(invoke(opts({ region: undefined, vs: APP }))).rejects.toThrow(/no AWS region: pass --region or set AWS_REGION/);
    } finally {
      if (saved.r !== undefined) process.env.AWS_REGION = saved.r;
      if (saved.d !== undefined) process.env.AWS_DEFAULT_REGION = saved.d;
    }
    await expect(invoke(opts({ role: undefined, vs: APP }))).rejects.toThrow(/creating faaslight-app-[ab] needs an execution role: pass --role/);
    const big = path.join(tmp, 'big.zip');
    writeFileSync(big, '');
    truncateSync(big, 51 * 1024 * 1024);
    await expect(invoke(opts({ vs: big }))).rejects.toThrow(
      /big\.zip: the zip is 51\.0 MB, over Lambda's 50 MB direct-upload limit: pass --s3-bucket <bucket>/,
    );
    expect(ep.stats.requests.filter((r) => r === 'CreateFunction')).toHaveLength(0);
  });

  test('memory, timeout, architecture, role and region come from serverless.yml when no flag says otherwise', async () => {
    const app = path.join(FIX, 'sls-app');
    const [r] = await invoke(opts({ input: app, vs: app, handler: 'index.handler', role: undefined, region: undefined, runs: 1 }));
    expect(r).toMatchObject({ memoryMb: 384, timeoutMs: 10_000, cloud: { region: 'eu-west-3', architecture: 'arm64' } });
    expect(r.notes).toContain(
      'from serverless.yml functions.api: memoryMb 384, timeoutS 10, arch arm64, role arn:aws:iam::123456789012:role/from-serverless, region eu-west-3 (flags override)',
    );
    expect(r.packages[0].samples[0].cloud!.memorySizeMb).toBe(384);
  });

  test('existing functions are updated in place and left in place; a zip as B is deployed as is', async () => {
    const zip = path.join(tmp, 'app.zip');
    await writeZip(APP, zip);
    await invoke(opts({ runs: 1, vs: zip, keep: true }));
    expect(ep.functionNames().sort()).toEqual(['faaslight-app-a', 'faaslight-app-b']);
    const o = opts({ runs: 1, vs: zip });
    const [r] = await invoke(o);
    expect(o.lines).toContain('faaslight-app-a: exists, updating code and configuration');
    expect(r.notes.some((n) => n.startsWith('faaslight-app-a existed before this run: updated in place'))).toBe(true);
    expect(ep.functionNames().sort()).toEqual(['faaslight-app-a', 'faaslight-app-b']);
  });
});

describe('faaslight invoke (CLI)', () => {
  const cli = (args: string[], env: Record<string, string>, onLine?: (l: string, kill: () => void) => void) =>
    new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [path.join(ROOT, 'bin/faaslight.js'), ...args], {
        cwd: ROOT,
        env: { PATH: process.env.PATH ?? '', HOME: tmp, AWS_EC2_METADATA_DISABLED: 'true', ...env },
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (c: Buffer) => (stdout += c));
      child.stderr.on('data', (c: Buffer) => {
        stderr += c;
        for (const l of c.toString().split('\n')) if (l) onLine?.(l, () => child.kill('SIGINT'));
      });
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });
  const awsEnv = { AWS_ACCESS_KEY_ID: CREDS.accessKeyId, AWS_SECRET_ACCESS_KEY: CREDS.secretAccessKey, AWS_REGION: 'eu-west-1' };

  test('--json prints measure-format results per memory size, wrapped for the report; credentials never printed', async () => {
    const r = await cli(
      [
        'invoke',
        'fixtures/invoke/aws/app',
        '--provider',
        'aws',
        '--endpoint',
        ep.url,
        '--role',
        ROLE,
        '--runs',
        '1',
        '--warmup',
        '0',
        '--event',
        EVENT,
        '--json',
      ],
      awsEnv,
    );
    expect(r.stderr).not.toContain('internal error');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j).toMatchObject({ kind: 'faaslight.invoke', version: 1, provider: 'aws', region: 'eu-west-1' });
    expect(j.results).toHaveLength(1);
    expect(j.results[0]).toMatchObject({
      kind: 'faaslight.measure',
      version: 1,
      platform: 'aws',
      memoryMb: 1024,
      identicalOutputs: true,
      cloud: { provider: 'aws', region: 'eu-west-1' },
    });
    expect(j.results[0].cost[0]).toMatchObject({ label: 'A' });
    expect(r.stdout + r.stderr).not.toContain(CREDS.secretAccessKey);
    expect(r.stdout + r.stderr).not.toContain(CREDS.accessKeyId);
  });

  test('no credentials: exit 2 with what to set', async () => {
    const r = await cli(['invoke', 'fixtures/invoke/aws/app', '--provider', 'aws', '--endpoint', ep.url, '--role', ROLE, '--vs', 'fixtures/invoke/aws/app'], {
      AWS_REGION: 'eu-west-1',
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no AWS credentials found: set AWS_PROFILE/);
    expect(ep.functionNames()).toEqual([]);
  });

  test('Ctrl-C during the rounds deletes the functions it created', async () => {
    let sent = false;
    const r = await cli(
      [
        'invoke',
        'fixtures/invoke/aws/app',
        '--provider',
        'aws',
        '--endpoint',
        ep.url,
        '--role',
        ROLE,
        '--runs',
        '50',
        '--warmup',
        '0',
        '--vs',
        'fixtures/invoke/aws/app',
      ],
      awsEnv,
      (l, kill) => {
        if (!sent && /\] A run 1\/50: init/.test(l)) {
          sent = true;
          kill();
        }
      },
    );
    expect(sent).toBe(true);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('interrupted: cleaning up what was created');
    expect(r.stderr).toMatch(/faaslight-app-a: deleting/);
    expect(ep.functionNames()).toEqual([]);
  });
});

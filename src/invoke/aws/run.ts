// `faaslight invoke --provider aws`: deploy A and B as two Lambda functions, then per memory size,
// rounds of: force a new execution environment on both (an environment-variable bump is a new
// configuration), invoke each cold and then warm with LogType Tail, A and B interleaved. Samples
// come from the REPORT line; a "cold" invoke whose REPORT has no Init Duration ran on a reused
// environment and is dropped, never counted as cold. Whatever was created is deleted at the end
// (also after an error or Ctrl-C) unless --keep.
import { promises as fsp } from 'node:fs';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { DeleteObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { diag, UsageError } from '../../diagnostics.js';
import { readEvent } from '../../measure/index.js';
import { round } from '../../measure/stats.js';
import type { MeasureResult, RunError, Sample } from '../../measure/types.js';
import type { Diagnostic } from '../../types.js';
import { awsPricing, costPerMillion, type Pricing } from '../pricing.js';
import { tooLarge, type Prepared, type PreparedPackage } from '../prepare.js';
import { buildCloudResult, type CloudPackageRun } from '../result.js';
import { throwIfAborted } from '../retry.js';
import type { InvokeOptions } from '../types.js';
import { deleteFunction, deployFunction, codeOf, send, updateConfig, type AwsCallContext } from './deploy.js';
import { deploySettings } from './descriptor.js';
import { describeAwsError, redact, rememberSecrets } from './errors.js';
import { DIRECT_UPLOAD_LIMIT, LocalLambdaEndpoint } from './local-endpoint.js';
import { decodeLogTail, parseReport, type ReportLine } from './report-line.js';

export const DEFAULT_AWS_MEMORY = 1024;
/** The variable bumped to force a new execution environment. */
export const COLD_VAR = 'FAASLIGHT_COLD_START';

interface Target {
  pkg: PreparedPackage;
  name: string;
}

interface Invoked {
  report: ReportLine | null;
  clientMs: number;
  output: unknown;
  functionError?: string;
  logTail: string;
}

const isZipPath = (p: string) => p.toLowerCase().endsWith('.zip');

function defaultRuntime(p: PreparedPackage): string {
  return p.handler.runtimeId ?? (p.handler.runtime === 'python' ? 'python3.12' : 'nodejs20.x');
}

/** Lambda names: letters, digits, - and _, at most 64 characters. */
export function functionNames(prefix: string): { A: string; B: string } {
  const clean = prefix.replace(/[^A-Za-z0-9_-]+/g, '-').slice(0, 61);
  return { A: `${clean}-a`, B: `${clean}-b` };
}

async function makeClient(
  opts: InvokeOptions,
  descRegion?: string,
): Promise<{ client: LambdaClient; s3?: S3Client; region: string; local?: LocalLambdaEndpoint; endpoint?: string }> {
  // The SDK warns on every Node 20 start that its 2027 releases will need Node 22; the pinned release works on 20.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  let endpoint = opts.endpoint;
  let local: LocalLambdaEndpoint | undefined;
  let credentials = opts.credentials;
  if (endpoint === 'local') {
    local = await LocalLambdaEndpoint.start();
    endpoint = local.url;
    // The local endpoint does not check signatures: fixed dummy credentials, nothing of the user's is read.
    credentials ??= { accessKeyId: 'AKIDLOCALENDPOINT000', secretAccessKey: 'local-endpoint-dummy-secret' };
  }
  rememberSecrets(credentials?.secretAccessKey, credentials?.sessionToken);
  const region = opts.region ?? descRegion ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? (local ? 'us-east-1' : undefined);
  if (!region) throw new UsageError('no AWS region: pass --region or set AWS_REGION');
  const common = { region, ...(credentials ? { credentials } : {}), maxAttempts: 1 };
  const client = new LambdaClient({ ...common, ...(endpoint ? { endpoint } : {}) });
  try {
    const c = await client.config.credentials();
    rememberSecrets(c.secretAccessKey, c.sessionToken);
    if (c.expiration && c.expiration.getTime() < Date.now())
      throw new UsageError(`the AWS credentials expired at ${c.expiration.toISOString()}: refresh them (aws sso login, or a new session token)`);
  } catch (e) {
    await local?.close();
    throw describeAwsError(e, 'loading AWS credentials');
  }
  const s3 = opts.s3Bucket ? new S3Client(common) : undefined;
  return { client, s3, region, local, endpoint };
}

async function invokeOnce(ctx: AwsCallContext, name: string, payload: string): Promise<Invoked> {
  let t0 = 0;
  const r = await send(ctx, `Invoke ${name}`, () => {
    t0 = performance.now();
    return ctx.client.send(new InvokeCommand({ FunctionName: name, LogType: 'Tail', Payload: Buffer.from(payload) }), { abortSignal: ctx.signal });
  });
  const clientMs = round(performance.now() - t0);
  const text = r.Payload ? Buffer.from(r.Payload).toString('utf8') : '';
  let output: unknown = text;
  try {
    output = JSON.parse(text);
  } catch {
    // Not JSON: kept as text.
  }
  if (r.FunctionError && output && typeof output === 'object') {
    // The trace differs by path between A and B; type and message are what must agree.
    const { errorType, errorMessage } = output as { errorType?: string; errorMessage?: string };
    output = { errorType, errorMessage };
  }
  const logTail = decodeLogTail(r.LogResult);
  return { report: parseReport(logTail), clientMs, output, functionError: r.FunctionError, logTail };
}

function errorOf(inv: Invoked, phase: 'invoke' | 'warm', cold: boolean): RunError {
  const out = inv.output as { errorType?: string; errorMessage?: string } | string;
  const errorType = (typeof out === 'object' && out?.errorType) || inv.report?.errorType;
  const message = typeof out === 'object' && out ? `${out.errorType}: ${out.errorMessage}` : String(out);
  // Lambda re-runs a failed init inside the invoke: a failing cold invoke without Init Duration failed at init.
  const kind = errorType === 'Sandbox.Timedout' ? 'timeout' : cold && !inv.report?.initMs ? 'init-error' : 'handler-error';
  const tail = inv.logTail.split('\n').filter((l) => !/^(START|END|REPORT|INIT_START) /.test(l));
  return { kind, phase: kind === 'init-error' ? 'init' : phase, message, errorType, stderrTail: tail.slice(-12).join('\n').trimEnd() };
}

/** Billed duration with init included: REPORT lines written before August 2025 left a managed runtime's init out. */
function billedWithInit(r: ReportLine): { billedMs: number; added: boolean } {
  if (r.initMs !== undefined && r.billedMs + 1 < r.durationMs + r.initMs) return { billedMs: r.billedMs + Math.ceil(r.initMs), added: true };
  return { billedMs: r.billedMs, added: false };
}

export async function invokeAws(opts: InvokeOptions, prepared: Prepared): Promise<MeasureResult[]> {
  const t0 = performance.now();
  const startedAt = new Date().toISOString();
  const progress = opts.onProgress ?? (() => {});
  const runs = opts.runs ?? 10;
  const warmupRuns = opts.warmup ?? 1;
  const [A, B] = prepared.packages;
  // Flags first, then what the app's serverless.yml / SAM template says, then Lambda-like defaults.
  const desc = isZipPath(opts.input) ? {} : await deploySettings(opts.input, A.handler);
  const arch = opts.arch ?? desc.arch ?? 'x86_64';
  const runtimeId = opts.runtime ?? defaultRuntime(A);
  const memories = opts.memory?.length ? opts.memory : [desc.memoryMb ?? DEFAULT_AWS_MEMORY];
  const timeoutS = opts.timeoutS ?? desc.timeoutS ?? 30;
  const role = opts.role ?? desc.role;
  for (const m of memories)
    if (!Number.isInteger(m) || m < 128 || m > 10240) throw new UsageError(`--memory sizes must be whole MB between 128 and 10240, got ${m}`);
  for (const p of prepared.packages) if (p.zipBytes > DIRECT_UPLOAD_LIMIT && !opts.s3Bucket) throw tooLarge(p.input, p.zipBytes);
  const event = await readEvent(opts.event);
  const pricing: Pricing = awsPricing(arch, opts.priceGbSecond, opts.priceRequest);
  const names = functionNames(
    opts.namePrefix ??
      `faaslight-${A.input
        .replace(/[\\/]+$/, '')
        .split(/[\\/]/)
        .pop()!
        .replace(/\.zip$/i, '')}`,
  );
  const targets: Target[] = [
    { pkg: A, name: names.A },
    { pkg: B, name: names.B },
  ];

  const { client, s3, region, local, endpoint } = await makeClient(opts, desc.region);
  const throttled = { count: 0 };
  const ctx: AwsCallContext = {
    client,
    signal: opts.signal,
    progress: (l) => progress(redact(l)),
    pollMs: opts.pollMs ?? 250,
    retryBaseMs: opts.retryBaseMs ?? 500,
    retryCapMs: opts.retryCapMs ?? 20_000,
    deployTimeoutMs: opts.deployTimeoutMs ?? 300_000,
    throttled,
  };
  const created: string[] = [];
  const uploaded: string[] = [];
  const notes = [...prepared.notes];
  if (!opts.event) notes.push('no --event given: the event is {}');
  const fromDesc = (Object.keys(desc) as (keyof typeof desc)[]).filter((k) => k !== 'source' && desc[k] !== undefined);
  if (fromDesc.length) notes.push(`from ${desc.source}: ${fromDesc.map((k) => `${k} ${desc[k]}`).join(', ')} (flags override)`);
  if (endpoint)
    notes.push(`Lambda API endpoint overridden: ${endpoint}${local ? ' (local endpoint started by faaslight: real local cold starts, not AWS)' : ''}`);
  const results: MeasureResult[] = [];
  let billedNote = false;
  try {
    const env = { ...opts.env };
    const deploys = await Promise.allSettled(
      targets.map(async (t) => {
        let s3Loc: { bucket: string; key: string } | undefined;
        if (s3 && opts.s3Bucket) {
          s3Loc = { bucket: opts.s3Bucket, key: `faaslight/${t.name}.zip` };
          progress(`${t.name}: uploading ${(t.pkg.zipBytes / 1048576).toFixed(1)} MB to s3://${s3Loc.bucket}/${s3Loc.key}`);
          await s3
            .send(new PutObjectCommand({ Bucket: s3Loc.bucket, Key: s3Loc.key, Body: await fsp.readFile(t.pkg.zipPath) }), { abortSignal: opts.signal })
            .catch((e) => {
              throw describeAwsError(e, `uploading to s3://${s3Loc!.bucket}`);
            });
          uploaded.push(s3Loc.key);
        }
        const r = await deployFunction(
          ctx,
          {
            name: t.name,
            runtime: runtimeId,
            handler: t.pkg.handler.handler,
            role,
            memoryMb: memories[0],
            timeoutS,
            arch,
            env: { ...env, [COLD_VAR]: 'deploy' },
          },
          await codeOf(t.pkg.zipPath, s3Loc),
          () => created.push(t.name),
        );
        if (!r.created)
          notes.push(
            `${t.name} existed before this run: updated in place${opts.keep ? '' : ', and left in place afterwards (only functions this run created are deleted)'}`,
          );
      }),
    );
    // Both settled before anything is cleaned up, so a half-finished deploy cannot outlive the clean-up.
    const failed = deploys.find((d): d is PromiseRejectedResult => d.status === 'rejected');
    if (failed) throw failed.reason;

    for (const memoryMb of memories) {
      const diagnostics: Diagnostic[] = [];
      const runsOf: CloudPackageRun[] = targets.map((t) => ({ label: t.pkg.label, input: t.pkg.input, handler: t.pkg.handler, warmup: [], samples: [] }));
      const dropped = { cold: 0, warm: 0 };
      const throttledBefore = throttled.count;
      for (let i = 0 - warmupRuns; i < runs; i++) {
        throwIfAborted(opts.signal);
        // A new configuration on both: the next invoke of each needs a new execution environment.
        await Promise.all(
          targets.map((t) =>
            updateConfig(ctx, t.name, { MemorySize: memoryMb, Environment: { Variables: { ...env, [COLD_VAR]: `${memoryMb}-${i}-${Date.now()}` } } }),
          ),
        );
        for (const [k, t] of targets.entries()) {
          const got = await round1(ctx, t.name, event.payload, i, memoryMb, pricing, dropped);
          const label = `[${memoryMb} MB] ${t.pkg.label} ${i < 0 ? 'warm-up' : `run ${i + 1}/${runs}`}`;
          if (!got) {
            progress(`${label}: dropped: the forced cold invoke has no Init Duration (an execution environment was reused)`);
            continue;
          }
          const { sample } = got;
          if (got.billedAdded) billedNote = true;
          (i < 0 ? runsOf[k].warmup : runsOf[k].samples).push(sample);
          progress(
            `${label}: ${sample.error ? `FAILED ${sample.error.kind}: ${sample.error.message.split('\n')[0]}` : `init ${sample.initMs} ms, duration ${sample.durationMs} ms, warm ${sample.warmMs ?? '–'} ms, billed ${sample.cloud?.billedMs} ms, max memory ${sample.cloud?.maxMemoryUsedMb} MB`}`,
          );
          if (sample.error && i >= 0)
            diagnostics.push(diag('FL303', 'warning', `${t.pkg.label} run ${i}: ${sample.error.kind}: ${sample.error.message}`, { file: t.pkg.input }));
        }
      }
      const memNotes = [...notes];
      if (dropped.cold)
        memNotes.push(`${dropped.cold} forced cold invoke(s) had no Init Duration (a reused execution environment): left out, not counted as cold`);
      if (dropped.warm)
        memNotes.push(`${dropped.warm} warm invoke(s) landed on a new execution environment (Init Duration present): left out of the warm figures`);
      if (billedNote)
        memNotes.push('some REPORT lines billed the invoke without the init (pre-August-2025 format): the init was added to the billed duration for the cost');
      memNotes.push(`cost per million invocations from ${pricing.source}: $${usd(pricing.gbSecondUsd)}/GB-s, $${usd(pricing.requestUsd)}/request; init billed`);
      if (throttled.count > throttledBefore) memNotes.push(`${throttled.count - throttledBefore} request(s) were throttled (429) and retried with backoff`);
      results.push(
        buildCloudResult({
          runtime: A.handler.runtime,
          event: event.label,
          runs,
          warmupRuns,
          memoryMb,
          timeoutMs: timeoutS * 1000,
          initTimeoutMs: 10_000,
          packages: runsOf,
          notes: memNotes,
          diagnostics,
          cloud: {
            provider: 'aws',
            region,
            ...(endpoint ? { endpoint } : {}),
            functions: names,
            runtimeId,
            architecture: arch,
            pricing,
            droppedCold: dropped.cold,
            droppedWarm: dropped.warm,
            throttleRetries: throttled.count - throttledBefore,
            cleanedUp: !opts.keep,
          },
          startedAt,
          t0,
          seed: opts.seed,
        }),
      );
    }
    return results;
  } finally {
    if (!opts.keep) {
      for (const name of created) {
        progress(`${name}: deleting`);
        await deleteFunction({ ...ctx, signal: undefined }, name).catch((e: Error) => progress(`${name}: could not delete: ${e.message}`));
      }
      if (s3 && opts.s3Bucket)
        for (const key of uploaded)
          await s3
            .send(new DeleteObjectCommand({ Bucket: opts.s3Bucket, Key: key }))
            .catch((e: Error) => progress(`s3://${opts.s3Bucket}/${key}: could not delete: ${redact(e.message)}`));
    } else if (targets.length) progress(`kept: ${targets.map((t) => t.name).join(', ')} (--keep)`);
    client.destroy();
    s3?.destroy();
    await local?.close();
  }
}

/** One forced cold invoke and one warm invoke on the same function; null when the cold one was not cold. */
async function round1(
  ctx: AwsCallContext,
  name: string,
  payload: string,
  run: number,
  memoryMb: number,
  pricing: Pricing,
  dropped: { cold: number; warm: number },
): Promise<{ sample: Sample; billedAdded: boolean } | null> {
  const startedAt = Date.now();
  const cold = await invokeOnce(ctx, name, payload);
  const r = cold.report;
  const sample: Sample = {
    run: run < 0 ? -1 : run,
    initMs: r?.initMs ?? null,
    durationMs: r?.durationMs ?? null,
    e2eMs: r && r.initMs !== undefined ? round(r.initMs + r.durationMs) : null,
    unpackMs: null,
    warmMs: null,
    peakRssKb: r ? r.maxMemoryUsedMb * 1024 : null,
    output: cold.output,
    startedAt,
    cloud: { memorySizeMb: r?.memorySizeMb ?? memoryMb, clientMs: cold.clientMs, requestId: r?.requestId },
  };
  if (cold.functionError) {
    sample.error = errorOf(cold, 'invoke', true);
    return { sample, billedAdded: false };
  }
  if (!r) {
    sample.error = { kind: 'crash', phase: 'invoke', message: 'no REPORT line in the log tail (LogType Tail): the invoke cannot be timed' };
    return { sample, billedAdded: false };
  }
  if (r.initMs === undefined) {
    dropped.cold++;
    return null;
  }
  const billed = billedWithInit(r);
  Object.assign(sample.cloud!, {
    maxMemoryUsedMb: r.maxMemoryUsedMb,
    billedMs: billed.billedMs,
    coldCostPerMillionUsd: costPerMillion(pricing, r.memorySizeMb, billed.billedMs),
  });
  const warm = await invokeOnce(ctx, name, payload);
  if (warm.functionError) sample.error = errorOf(warm, 'warm', false);
  else if (warm.report && warm.report.initMs === undefined) {
    sample.warmMs = warm.report.durationMs;
    Object.assign(sample.cloud!, {
      warmClientMs: warm.clientMs,
      warmBilledMs: warm.report.billedMs,
      warmCostPerMillionUsd: costPerMillion(pricing, warm.report.memorySizeMb, warm.report.billedMs),
      maxMemoryUsedMb: Math.max(r.maxMemoryUsedMb, warm.report.maxMemoryUsedMb),
    });
  } else if (warm.report) dropped.warm++;
  return { sample, billedAdded: billed.added };
}

const usd = (n: number) => n.toFixed(12).replace(/\.?0+$/, '');

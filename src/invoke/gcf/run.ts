// `faaslight invoke --provider gcf`: upload both zips (generateUploadUrl + PUT), deploy A and B as
// 2nd-gen HTTP functions, then per memory size, rounds of: a new revision of both (environment
// variable bump: a revision starts with no instances), a cold call and a warm call over HTTP, A and
// B interleaved. GCF reports no init time per request, so the figures are client-side latencies.
// Functions this run created are deleted at the end (after an error or Ctrl-C too) unless --keep.
import { promises as fsp } from 'node:fs';
import { diag, UsageError } from '../../diagnostics.js';
import { readEvent } from '../../measure/index.js';
import { round } from '../../measure/stats.js';
import { emptySample } from '../../measure/sample.js';
import type { MeasureResult, Sample } from '../../measure/types.js';
import type { Diagnostic } from '../../types.js';
import type { Prepared, PreparedPackage } from '../prepare.js';
import { buildCloudResult, type CloudPackageRun } from '../result.js';
import { throwIfAborted, withRetry } from '../retry.js';
import type { InvokeOptions } from '../types.js';
import {
  bumpRequest,
  connect,
  createRequest,
  describeGcfError,
  functionName,
  gcfFunctionIds,
  isGcfNotFound,
  parseFunction,
  redeployRequest,
  retryableGcf,
  type GcfConnection,
  type GcfSettings,
  type ParsedFunction,
  type StorageSource,
} from './api.js';

export const DEFAULT_GCF_MEMORY = 256;
export const DEFAULT_GCF_REGION = 'us-central1';
const COLD_VAR = 'FAASLIGHT_COLD_START';

interface Ctx {
  conn: GcfConnection;
  opts: InvokeOptions;
  progress: (l: string) => void;
  throttled: { count: number };
}

async function call<T>(ctx: Ctx, what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await withRetry(fn, {
      retryable: retryableGcf,
      baseMs: ctx.opts.retryBaseMs ?? 1000,
      capMs: ctx.opts.retryCapMs ?? 30_000,
      signal: ctx.opts.signal,
      onRetry: (why, attempt, max, delay) => {
        if (why.startsWith('throttled')) ctx.throttled.count++;
        ctx.progress(`${what}: ${why}: retry ${attempt}/${max - 1} in ${delay} ms`);
      },
    });
  } catch (e) {
    throw describeGcfError(e, what);
  }
}

/** Runs a long-running operation to its end and returns the Function it produced. */
async function operation(ctx: Ctx, what: string, start: () => Promise<unknown>): Promise<ParsedFunction> {
  return call(ctx, what, async () => {
    const [op] = (await start()) as [{ promise(): Promise<[unknown]> }];
    const [fn] = await op.promise();
    const f = parseFunction(fn);
    if (f.state === 'FAILED') throw new UsageError(`${what}: the function failed to deploy: ${f.messages.join('; ') || 'no message'}`);
    return f;
  });
}

async function upload(ctx: Ctx, pkg: PreparedPackage, parent: string): Promise<StorageSource> {
  const [u] = (await call(ctx, 'generateUploadUrl', () => ctx.conn.client.generateUploadUrl({ parent }) as Promise<unknown>)) as [
    { uploadUrl?: string; storageSource?: StorageSource },
  ];
  if (!u.uploadUrl || !u.storageSource?.bucket) throw new UsageError('generateUploadUrl answered without an upload URL');
  const body = await fsp.readFile(pkg.zipPath);
  // The signed URL expects exactly these headers (Cloud Functions docs: "Deploy from a zip").
  const res = await fetch(u.uploadUrl, {
    method: 'PUT',
    headers: { 'content-type': 'application/zip', 'x-goog-content-length-range': '0,104857600' },
    body,
    signal: ctx.opts.signal,
  });
  if (!res.ok) throw new UsageError(`uploading ${pkg.input} failed: HTTP ${res.status} ${(await res.text()).slice(0, 200)}`);
  return u.storageSource;
}

async function deploy(ctx: Ctx, s: GcfSettings, onCreated: () => void): Promise<{ created: boolean; fn: ParsedFunction }> {
  const name = functionName(s);
  const exists = await ctx.conn.client.getFunction({ name }).then(
    () => true,
    (e: unknown) => {
      if (isGcfNotFound(e)) return false;
      throw describeGcfError(e, `getFunction ${s.functionId}`);
    },
  );
  if (!exists) {
    ctx.progress(`${s.functionId}: creating (${s.runtime}, ${s.memoryMb} MB, ${s.region}): a build takes a minute or two`);
    let recorded = false;
    const fn = await operation(ctx, `createFunction ${s.functionId}`, async () => {
      const r = await ctx.conn.client.createFunction(createRequest(s));
      if (!recorded) onCreated();
      recorded = true;
      return r;
    });
    return { created: true, fn };
  }
  ctx.progress(`${s.functionId}: exists, redeploying`);
  return { created: false, fn: await operation(ctx, `updateFunction ${s.functionId}`, () => ctx.conn.client.updateFunction(redeployRequest(s))) };
}

interface Called {
  status: number;
  body: unknown;
  ms: number;
}

async function httpCall(ctx: Ctx, uri: string, payload: string): Promise<Called> {
  const token = await ctx.conn.idToken(uri);
  const t0 = performance.now();
  const res = await fetch(uri, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: payload,
    signal: ctx.opts.signal,
  });
  const text = await res.text();
  const ms = round(performance.now() - t0);
  // Cloud Run answers 429 when no instance can take the request (max instances reached, or starting): retried by the caller.
  if (res.status === 429) throw Object.assign(new Error(`HTTP 429 from ${uri}: no instance available`), { code: 429 });
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // A text body stays text.
  }
  return { status: res.status, body, ms };
}

export async function invokeGcf(opts: InvokeOptions, prepared: Prepared): Promise<MeasureResult[]> {
  const t0 = performance.now();
  const startedAt = new Date().toISOString();
  const progress = opts.onProgress ?? (() => {});
  const runs = opts.runs ?? 10;
  const warmupRuns = opts.warmup ?? 1;
  const [A, B] = prepared.packages;
  if (A.handler.style !== 'gcf')
    throw new UsageError(`${A.input}: GCF deploys HTTP functions: name the exported function with --handler <name> (package.json "main" is the entry file)`);
  const runtime = opts.runtime ?? (A.handler.runtime === 'python' ? 'python312' : 'nodejs20');
  const region = opts.region ?? DEFAULT_GCF_REGION;
  const memories = opts.memory?.length ? opts.memory : [DEFAULT_GCF_MEMORY];
  for (const m of memories)
    if (!Number.isInteger(m) || m < 128 || m > 32768) throw new UsageError(`--memory sizes for GCF must be whole MB between 128 and 32768, got ${m}`);
  const timeoutS = opts.timeoutS ?? 60;
  const event = await readEvent(opts.event);
  const ids = gcfFunctionIds(
    opts.namePrefix ??
      `faaslight-${A.input
        .replace(/[\\/]+$/, '')
        .split(/[\\/]/)
        .pop()!
        .replace(/\.zip$/i, '')}`,
  );
  const conn = await connect({ endpoint: opts.endpoint, project: opts.project ?? process.env.GOOGLE_CLOUD_PROJECT ?? process.env.GCLOUD_PROJECT });
  const project = conn.project;
  if (!project) {
    await conn.close();
    throw new UsageError('no Google Cloud project: pass --project or set GOOGLE_CLOUD_PROJECT');
  }
  const ctx: Ctx = { conn, opts, progress, throttled: { count: 0 } };
  const targets = [
    { pkg: A, id: ids.A },
    { pkg: B, id: ids.B },
  ];
  const created: string[] = [];
  const notes = [...prepared.notes];
  if (!opts.event) notes.push('no --event given: the event is {}');
  if (opts.endpoint) notes.push(`Cloud Functions API endpoint overridden: ${opts.endpoint}`);
  notes.push(
    'GCF reports no per-request init time: figures are client-side latencies (network included); each cold call follows a new revision (environment variable bump), which starts with no instances',
  );
  const env = { ...opts.env };
  const results: MeasureResult[] = [];
  try {
    const settings = (t: (typeof targets)[number], storageSource: StorageSource): GcfSettings => ({
      project,
      region,
      functionId: t.id,
      runtime,
      entryPoint: t.pkg.handler.exportName,
      memoryMb: memories[0],
      timeoutS,
      env: { ...env, [COLD_VAR]: 'deploy' },
      storageSource,
    });
    const uris = new Map<string, string>();
    const deploys = await Promise.allSettled(
      targets.map(async (t) => {
        const src = await upload(ctx, t.pkg, `projects/${project}/locations/${region}`);
        const r = await deploy(ctx, settings(t, src), () => created.push(t.id));
        if (!r.fn.uri) throw new UsageError(`${t.id}: deployed, but the function has no URL (serviceConfig.uri)`);
        uris.set(t.id, r.fn.uri);
        if (!r.created) notes.push(`${t.id} existed before this run: redeployed in place${opts.keep ? '' : ', and left in place afterwards'}`);
      }),
    );
    const failed = deploys.find((d): d is PromiseRejectedResult => d.status === 'rejected');
    if (failed) throw failed.reason;

    for (const memoryMb of memories) {
      const diagnostics: Diagnostic[] = [];
      const runsOf: CloudPackageRun[] = targets.map((t) => ({ label: t.pkg.label, input: t.pkg.input, handler: t.pkg.handler, warmup: [], samples: [] }));
      const throttledBefore = ctx.throttled.count;
      for (let i = 0 - warmupRuns; i < runs; i++) {
        throwIfAborted(opts.signal);
        await Promise.all(
          targets.map(async (t) => {
            const f = await operation(ctx, `updateFunction ${t.id}`, () =>
              conn.client.updateFunction(
                bumpRequest(functionName({ project, region, functionId: t.id }), { ...env, [COLD_VAR]: `${memoryMb}-${i}-${Date.now()}` }, memoryMb),
              ),
            );
            if (f.uri) uris.set(t.id, f.uri);
          }),
        );
        for (const [k, t] of targets.entries()) {
          const sample = await coldAndWarm(ctx, uris.get(t.id)!, event.payload, i, memoryMb);
          const label = `[${memoryMb} MB] ${t.pkg.label} ${i < 0 ? 'warm-up' : `run ${i + 1}/${runs}`}`;
          (i < 0 ? runsOf[k].warmup : runsOf[k].samples).push(sample);
          progress(
            `${label}: ${sample.error ? `FAILED ${sample.error.kind}: ${sample.error.message}` : `cold call ${sample.e2eMs} ms, warm call ${sample.warmMs ?? '–'} ms`}`,
          );
          if (sample.error && i >= 0)
            diagnostics.push(diag('FL303', 'warning', `${t.pkg.label} run ${i}: ${sample.error.kind}: ${sample.error.message}`, { file: t.pkg.input }));
        }
      }
      const memNotes = [...notes];
      if (ctx.throttled.count > throttledBefore)
        memNotes.push(`${ctx.throttled.count - throttledBefore} request(s) were throttled (429) and retried with backoff`);
      results.push(
        buildCloudResult({
          runtime: A.handler.runtime,
          event: event.label,
          runs,
          warmupRuns,
          memoryMb,
          timeoutMs: timeoutS * 1000,
          initTimeoutMs: timeoutS * 1000,
          packages: runsOf,
          notes: memNotes,
          diagnostics,
          cloud: {
            provider: 'gcf',
            region,
            project,
            ...(opts.endpoint ? { endpoint: opts.endpoint } : {}),
            functions: ids,
            runtimeId: runtime,
            droppedCold: 0,
            droppedWarm: 0,
            throttleRetries: ctx.throttled.count - throttledBefore,
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
      for (const id of created) {
        progress(`${id}: deleting`);
        const quiet: Ctx = { ...ctx, opts: { ...opts, signal: undefined } };
        await operation(quiet, `deleteFunction ${id}`, () => conn.client.deleteFunction({ name: functionName({ project, region, functionId: id }) })).catch(
          (e: Error) => {
            if (!isGcfNotFound(e)) progress(`${id}: could not delete: ${e.message}`);
          },
        );
      }
    } else progress(`kept: ${targets.map((t) => t.id).join(', ')} (--keep)`);
    await conn.close();
  }
}

async function coldAndWarm(ctx: Ctx, uri: string, payload: string, run: number, memoryMb: number): Promise<Sample> {
  const sample: Sample = { ...emptySample(run < 0 ? -1 : run), cloud: { memorySizeMb: memoryMb, clientMs: null } };
  const cold = await call(ctx, 'cold call', () => httpCall(ctx, uri, payload)).catch((e: Error) => e);
  if (cold instanceof Error) {
    sample.error = { kind: 'crash', phase: 'invoke', message: `request failed: ${cold.message}` };
    return sample;
  }
  sample.output = { status: cold.status, body: cold.body };
  sample.e2eMs = cold.ms;
  sample.cloud!.clientMs = cold.ms;
  if (cold.status >= 500) {
    sample.error = { kind: 'handler-error', phase: 'invoke', message: `HTTP ${cold.status}: ${JSON.stringify(cold.body).slice(0, 200)}` };
    return sample;
  }
  const warm = await call(ctx, 'warm call', () => httpCall(ctx, uri, payload)).catch((e: Error) => e);
  if (warm instanceof Error) sample.error = { kind: 'crash', phase: 'warm', message: `request failed: ${warm.message}` };
  else if (warm.status >= 500) sample.error = { kind: 'handler-error', phase: 'warm', message: `HTTP ${warm.status}` };
  else {
    sample.warmMs = warm.ms;
    sample.cloud!.warmClientMs = warm.ms;
  }
  return sample;
}

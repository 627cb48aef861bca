// Create-or-update of one Lambda function, and the waits between steps: a function accepts no
// change and serves no invoke while it is Pending (after create) or InProgress (after an update).
import { promises as fsp } from 'node:fs';
import {
  CreateFunctionCommand,
  DeleteFunctionCommand,
  GetFunctionConfigurationCommand,
  UpdateFunctionCodeCommand,
  UpdateFunctionConfigurationCommand,
  type FunctionCode,
  type FunctionConfiguration,
  type LambdaClient,
  type Runtime,
} from '@aws-sdk/client-lambda';
import { FaaslightError, UsageError } from '../../diagnostics.js';
import { sleep, throwIfAborted, withRetry } from '../retry.js';
import { describeAwsError, isNotFound, isRoleNotReady, isThrottle, retryableAws, retryAfterMs } from './errors.js';

export interface FunctionSettings {
  name: string;
  runtime: string;
  handler: string;
  role?: string;
  memoryMb: number;
  timeoutS: number;
  arch: 'x86_64' | 'arm64';
  env: Record<string, string>;
}

export interface AwsCallContext {
  client: LambdaClient;
  signal?: AbortSignal;
  progress: (line: string) => void;
  pollMs: number;
  retryBaseMs: number;
  retryCapMs: number;
  deployTimeoutMs: number;
  /** Counts retries after 429s (reported in the result). */
  throttled: { count: number };
}

/** Sends a command with backoff on throttling and "update in progress", saying each retry. */
export async function send<T>(ctx: AwsCallContext, what: string, call: () => Promise<T>, extraRetry?: (e: unknown) => string | undefined): Promise<T> {
  let lastError: unknown;
  try {
    return await withRetry(call, {
      retryable: (e) => {
        lastError = e;
        return retryableAws(e) ?? extraRetry?.(e);
      },
      retryAfterMs,
      baseMs: ctx.retryBaseMs,
      capMs: ctx.retryCapMs,
      signal: ctx.signal,
      onRetry: (why, attempt, max, delay) => {
        if (isThrottle(lastError)) ctx.throttled.count++;
        ctx.progress(`${what}: ${why}: retry ${attempt}/${max - 1} in ${delay} ms`);
      },
    });
  } catch (e) {
    throw describeAwsError(e, what);
  }
}

/** Waits until the function is Active and its last update Successful; Failed or a timeout is an error. */
export async function waitReady(ctx: AwsCallContext, name: string): Promise<FunctionConfiguration> {
  const deadline = Date.now() + ctx.deployTimeoutMs;
  let delay = ctx.pollMs;
  let said = false;
  for (;;) {
    throwIfAborted(ctx.signal);
    const c = await send(ctx, `GetFunctionConfiguration ${name}`, () =>
      ctx.client.send(new GetFunctionConfigurationCommand({ FunctionName: name }), { abortSignal: ctx.signal }),
    );
    if (c.State === 'Failed') throw new FaaslightError(`${name}: the function failed to deploy (${c.StateReasonCode}: ${c.StateReason})`);
    if (c.LastUpdateStatus === 'Failed')
      throw new FaaslightError(`${name}: the last update failed (${c.LastUpdateStatusReasonCode}: ${c.LastUpdateStatusReason})`);
    if (c.State === 'Active' && (c.LastUpdateStatus === undefined || c.LastUpdateStatus === 'Successful')) return c;
    const where = c.State !== 'Active' ? `${c.State}${c.StateReason ? ` (${c.StateReason})` : ''}` : `update ${c.LastUpdateStatus}`;
    if (Date.now() > deadline)
      throw new FaaslightError(
        `${name}: still ${where} after ${Math.round(ctx.deployTimeoutMs / 1000)} s: giving up (see the function's state in the Lambda console)`,
      );
    if (!said && delay >= 1000) ctx.progress(`${name}: ${where}, waiting`);
    said = true;
    await sleep(delay, ctx.signal);
    delay = Math.min(delay * 2, 5000);
  }
}

export async function codeOf(zipPath: string, s3?: { bucket: string; key: string }): Promise<FunctionCode> {
  return s3 ? { S3Bucket: s3.bucket, S3Key: s3.key } : { ZipFile: await fsp.readFile(zipPath) };
}

/** Creates the function, or updates the code and configuration of an existing one. Returns whether it was created. */
export async function deployFunction(ctx: AwsCallContext, s: FunctionSettings, code: FunctionCode, onCreated?: () => void): Promise<{ created: boolean }> {
  const exists = await ctx.client.send(new GetFunctionConfigurationCommand({ FunctionName: s.name }), { abortSignal: ctx.signal }).then(
    () => true,
    (e) => {
      if (isNotFound(e)) return false;
      throw describeAwsError(e, `GetFunctionConfiguration ${s.name}`);
    },
  );
  const config = { Runtime: s.runtime as Runtime, Handler: s.handler, MemorySize: s.memoryMb, Timeout: s.timeoutS, Environment: { Variables: s.env } };
  if (!exists) {
    if (!s.role)
      throw new UsageError(
        `creating ${s.name} needs an execution role: pass --role arn:aws:iam::<account>:role/<name> (a role Lambda can assume, e.g. with AWSLambdaBasicExecutionRole)`,
      );
    ctx.progress(`${s.name}: creating (${s.runtime}, ${s.arch}, ${s.memoryMb} MB)`);
    await send(
      ctx,
      `CreateFunction ${s.name}`,
      () =>
        ctx.client.send(new CreateFunctionCommand({ FunctionName: s.name, Role: s.role, Code: code, Architectures: [s.arch], PackageType: 'Zip', ...config }), {
          abortSignal: ctx.signal,
        }),
      (e) => (isRoleNotReady(e) ? 'execution role not assumable yet (IAM propagation)' : undefined),
    );
    // Recorded before waiting: a function stuck in Pending must still be cleaned up.
    onCreated?.();
    await waitReady(ctx, s.name);
    return { created: true };
  }
  ctx.progress(`${s.name}: exists, updating code and configuration`);
  await waitReady(ctx, s.name);
  await send(ctx, `UpdateFunctionCode ${s.name}`, () =>
    ctx.client.send(new UpdateFunctionCodeCommand({ FunctionName: s.name, ...code, Architectures: [s.arch] }), { abortSignal: ctx.signal }),
  );
  await waitReady(ctx, s.name);
  await updateConfig(ctx, s.name, config);
  return { created: false };
}

export async function updateConfig(ctx: AwsCallContext, name: string, config: Record<string, unknown>): Promise<void> {
  await send(ctx, `UpdateFunctionConfiguration ${name}`, () =>
    ctx.client.send(new UpdateFunctionConfigurationCommand({ FunctionName: name, ...config }), { abortSignal: ctx.signal }),
  );
  await waitReady(ctx, name);
}

/** Deletes without the run's abort signal: clean-up must run after a Ctrl-C too. */
export async function deleteFunction(ctx: AwsCallContext, name: string): Promise<void> {
  await withRetry(() => ctx.client.send(new DeleteFunctionCommand({ FunctionName: name })), {
    retryable: (e) => retryableAws(e),
    retryAfterMs,
    baseMs: ctx.retryBaseMs,
    capMs: ctx.retryCapMs,
    onRetry: (why, attempt, max, delay) => ctx.progress(`DeleteFunction ${name}: ${why}: retry ${attempt}/${max - 1} in ${delay} ms`),
  }).catch((e) => {
    if (!isNotFound(e)) throw describeAwsError(e, `DeleteFunction ${name}`);
  });
}

// AWS errors turned into messages a user can act on. Credentials never appear in them: access key
// ids are masked and known secrets are replaced before any message leaves this module.
import { FaaslightError, UsageError } from '../../diagnostics.js';

interface AwsError {
  name?: string;
  message?: string;
  Reason?: string;
  retryAfterSeconds?: string;
  $metadata?: { httpStatusCode?: number };
}

const secrets = new Set<string>();

/** Registers secret values (secret key, session token) to be masked wherever they might appear. */
export function rememberSecrets(...values: (string | undefined)[]): void {
  for (const v of values) if (v && v.length >= 8) secrets.add(v);
}

export function redact(text: string): string {
  let out = text.replace(/\b(AKIA|ASIA|AROA|AIDA)[A-Z0-9]{12,}\b/g, '$1****************');
  for (const s of secrets) out = out.split(s).join('****');
  return out;
}

const err = (e: unknown) => (e ?? {}) as AwsError;
const status = (e: unknown) => err(e).$metadata?.httpStatusCode;

/** A name for a retryable error (throttling, a function busy updating, a server error), else undefined. */
export function retryableAws(e: unknown): string | undefined {
  const { name } = err(e);
  if (name === 'TooManyRequestsException' || name === 'ThrottlingException' || status(e) === 429)
    return `throttled (429 ${name ?? 'TooManyRequests'}${err(e).Reason ? `, ${err(e).Reason}` : ''})`;
  if (name === 'ResourceConflictException') return 'function busy (update in progress)';
  if (name === 'ServiceException' || (status(e) ?? 0) >= 500) return `server error (${status(e) ?? name})`;
  return undefined;
}

export function isThrottle(e: unknown): boolean {
  return err(e).name === 'TooManyRequestsException' || err(e).name === 'ThrottlingException' || status(e) === 429;
}

export function retryAfterMs(e: unknown): number | undefined {
  const s = Number(err(e).retryAfterSeconds);
  return Number.isFinite(s) && s > 0 ? s * 1000 : undefined;
}

export function isNotFound(e: unknown): boolean {
  return err(e).name === 'ResourceNotFoundException';
}

/** IAM is eventually consistent: a role created seconds ago may not be assumable yet. */
export function isRoleNotReady(e: unknown): boolean {
  return err(e).name === 'InvalidParameterValueException' && /role .*cannot be assumed/i.test(err(e).message ?? '');
}

/** The error as a FaaslightError with a clear message (usage errors for what the user must fix first). */
export function describeAwsError(e: unknown, what: string): FaaslightError {
  if (e instanceof FaaslightError) return e;
  const { name = 'Error', message = String(e) } = err(e);
  const m = redact(message);
  if (name === 'CredentialsProviderError' || /Could not load credentials/i.test(message))
    return new UsageError(
      'no AWS credentials found: set AWS_PROFILE (shared config / SSO), or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or run on a machine with an instance role',
    );
  if (/Region is missing/i.test(message)) return new UsageError('no AWS region: pass --region or set AWS_REGION');
  if (name === 'ExpiredTokenException' || name === 'ExpiredToken' || /token .*expired/i.test(message))
    return new UsageError(`${what}: the AWS credentials have expired (${name}): refresh them (aws sso login, or a new session token) and run again`);
  if (['UnrecognizedClientException', 'InvalidSignatureException', 'InvalidClientTokenId', 'SignatureDoesNotMatch'].includes(name))
    return new UsageError(`${what}: AWS rejected the credentials (${name}): check the access key, secret and region`);
  if (name === 'AccessDeniedException' || name === 'AccessDenied')
    return new UsageError(
      `${what}: access denied (${m}). The caller needs lambda:CreateFunction, UpdateFunctionCode, UpdateFunctionConfiguration, GetFunction, GetFunctionConfiguration, InvokeFunction, DeleteFunction and iam:PassRole on the execution role`,
    );
  if (name === 'CodeStorageExceededException')
    return new FaaslightError(
      `${what}: account limit reached: the code storage of this account and region is full (${m}); delete old function versions or layers`,
    );
  if (name === 'TooManyRequestsException' || status(e) === 429)
    return new FaaslightError(
      `${what}: still throttled after retries (429 ${name}${err(e).Reason ? `, ${err(e).Reason}` : ''}): an account or function concurrency limit is reached; try later or raise the limit`,
    );
  if (name === 'RequestEntityTooLargeException' || status(e) === 413)
    return new UsageError(`${what}: the package is too large for a direct upload (${m}); pass --s3-bucket <bucket> to upload it through S3`);
  if (name === 'ResourceConflictException') return new FaaslightError(`${what}: the function stayed busy with an earlier update (${m})`);
  if (name === 'InvalidParameterValueException' || name === 'ValidationException') return new UsageError(`${what}: ${m}`);
  return new FaaslightError(`${what}: ${name}: ${m}`);
}

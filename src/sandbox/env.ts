// The environment of a handler child: nothing of the user's shell (cleanEnv), plus the variables the
// Lambda runtime sets. Every spawn of user code in src/sandbox builds its environment here.
import { cleanEnv } from '../util/env.js';

/** Memory size (MB) a local run stands for when none is given: AWS_LAMBDA_FUNCTION_MEMORY_SIZE and Lambda's V8 heap flags. */
export const DEFAULT_MEMORY_MB = 1024;

/** Variables a real Lambda runtime sets (subset that handlers commonly read). */
export function lambdaEnv(opts: {
  taskRoot: string;
  handler: string;
  functionName?: string;
  memoryMb?: number;
  runtimeApi?: string;
  runtimeId?: string;
  extra?: Record<string, string | undefined>;
}): Record<string, string> {
  const name = opts.functionName ?? 'faaslight-local';
  return cleanEnv({
    LAMBDA_TASK_ROOT: opts.taskRoot,
    LAMBDA_RUNTIME_DIR: opts.taskRoot,
    _HANDLER: opts.handler,
    AWS_LAMBDA_FUNCTION_NAME: name,
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(opts.memoryMb ?? DEFAULT_MEMORY_MB),
    AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${name}`,
    AWS_LAMBDA_LOG_STREAM_NAME: 'local',
    AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
    AWS_EXECUTION_ENV: opts.runtimeId ? `AWS_Lambda_${opts.runtimeId}` : undefined,
    AWS_REGION: 'us-east-1',
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_LAMBDA_RUNTIME_API: opts.runtimeApi,
    ...opts.extra,
  });
}

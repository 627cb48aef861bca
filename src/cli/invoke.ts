// `faaslight invoke`: a thin shell over invoke(): parse options, progress on stderr, the table or the
// JSON (one MeasureResult per memory size: an object for one size, an array for a sweep) on stdout.
// Ctrl-C aborts the run and deletes what it created before exiting. Also `faaslight lambda-local`,
// which serves the local Lambda API endpoint for `--endpoint http://127.0.0.1:<port>`.
import type { Command } from 'commander';
import { UsageError } from '../diagnostics.js';
import type { InvokeOptions } from '../invoke/types.js';
import type { MeasureResult } from '../measure/types.js';
import { type Cli, print, progress, toJson } from './output.js';
import { choice, envPair, int, list, nonNegative } from './options.js';

export function exitCodeOfInvoke(results: MeasureResult[]): 0 | 1 {
  return results.some((r) => r.packages.some((p) => p.summary.failed > 0 || p.summary.ok === 0) || r.identicalOutputs === false) ? 1 : 0;
}

export function registerLambdaLocal(program: Command, cli: Cli): void {
  program
    .command('lambda-local')
    .description(
      'serve a local AWS Lambda API (create/update/get/invoke/delete) on 127.0.0.1, running functions on the local Runtime API: for invoke --endpoint',
    )
    .option('--port <n>', 'port (default: a free one)', int('--port', 0), 0)
    .action(async (o: Record<string, any>) => {
      const { LocalLambdaEndpoint } = await import('../invoke/index.js');
      const ep = await LocalLambdaEndpoint.start({}, o.port);
      cli.err(`local Lambda API on ${ep.url} (Ctrl-C stops it)\n`);
      await new Promise<void>((resolve) => {
        process.once('SIGINT', () => resolve());
        process.once('SIGTERM', () => resolve());
      });
      // Stops every instance it started before exiting.
      await ep.close();
    });
}

export function registerInvoke(program: Command, cli: Cli): void {
  program
    .command('invoke')
    .argument('<app>', 'function package: folder (optimized first unless --vs) or .zip')
    .description(
      'deploy the original and the optimized package to AWS Lambda or Google Cloud Functions, force cold starts, invoke cold and warm, A/B interleaved; same result format as measure',
    )
    .addOption(choice('--provider <name>', 'cloud', ['aws', 'gcf']).makeOptionMandatory())
    .option('--vs <other>', 'the other package (B) instead of optimizing <app>')
    .option('--handler <handler>', 'handler string (AWS) or function target (GCF)')
    .option('--event <file>', 'event JSON file (default: {})')
    .option('--runs <n>', 'measured cold rounds per package and memory size', int('--runs', 0), 10)
    .option('--warmup <n>', 'cold rounds left out of the statistics', int('--warmup', 0), 1)
    .option(
      '--memory <mb,...>',
      "memory sizes to sweep: 256,512,1024 (one result per size; default: the descriptor's, else 1024 on AWS, 256 on GCF)",
      list(int('--memory', 0)),
    )
    .option('--region <region>', 'AWS region / GCP location (default AWS_REGION; us-central1 on GCF)')
    .option('--endpoint <url>', 'API endpoint override: a local Lambda API (faaslight lambda-local), or "local" to start one in-process')
    .option('--role <arn>', 'AWS execution role ARN (needed to create the functions; default: a plain ARN in serverless.yml / SAM)')
    .option('--runtime <id>', 'runtime id (nodejs20.x, python3.12; nodejs20 on GCF); default from serverless.yml / SAM')
    .addOption(choice('--arch <arch>', "AWS architecture (default: the descriptor's, else x86_64)", ['x86_64', 'arm64']))
    .option('--timeout <seconds>', "function timeout (default: the descriptor's, else 30; 60 on GCF)", int('--timeout', 0))
    .option('--name-prefix <prefix>', 'function names are <prefix>-a and <prefix>-b (default faaslight-<app>)')
    .option('--keep', 'keep the functions afterwards')
    .option('--s3-bucket <bucket>', 'upload the zips through S3 (needed above the 50 MB direct-upload limit)')
    .option('--price-gb-second <usd>', 'price per GB-second (default: AWS us-east-1 list price for the architecture)', nonNegative('--price-gb-second'))
    .option('--price-request <usd>', 'price per request (default 0.0000002)', nonNegative('--price-request'))
    .option('--project <id>', 'GCP project (default GOOGLE_CLOUD_PROJECT)')
    .option('--env <NAME=value>', 'environment variable for both functions (repeatable)', envPair)
    .option('--seed <n>', 'seed of the bootstrap resampling', int('--seed', 0), 1)
    .option('--json', 'print the result(s) as JSON')
    .option('--quiet', 'no progress lines')
    .action(async (app: string, o: Record<string, any>) => {
      if (o.provider === 'gcf' && o.s3Bucket) throw new UsageError('--s3-bucket is for AWS');
      const abort = new AbortController();
      const onSigint = () => {
        cli.err('interrupted: cleaning up what was created (Ctrl-C again to force quit)\n');
        abort.abort();
        process.once('SIGINT', () => process.exit(130));
      };
      process.once('SIGINT', onSigint);
      const { formatInvokeText, invoke } = await import('../invoke/index.js');
      const { invokeResults } = await import('../invoke/result.js');
      const opts: InvokeOptions = {
        input: app,
        provider: o.provider,
        vs: o.vs,
        handler: o.handler,
        event: o.event,
        runs: o.runs,
        warmup: o.warmup,
        memory: o.memory,
        region: o.region,
        endpoint: o.endpoint,
        role: o.role,
        runtime: o.runtime,
        arch: o.arch,
        timeoutS: o.timeout,
        namePrefix: o.namePrefix,
        keep: Boolean(o.keep),
        s3Bucket: o.s3Bucket,
        priceGbSecond: o.priceGbSecond,
        priceRequest: o.priceRequest,
        project: o.project,
        env: o.env,
        seed: o.seed,
        signal: abort.signal,
        onProgress: progress(cli, o),
      };
      try {
        const results = await invoke(opts);
        print(cli, o, results, { text: formatInvokeText, json: (r) => toJson(invokeResults(r)) });
        if (exitCodeOfInvoke(results)) cli.exitCode = 1;
      } finally {
        process.removeListener('SIGINT', onSigint);
      }
    });
}

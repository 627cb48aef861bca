// `faaslight invoke`: a thin shell over invoke(): parse options, progress on stderr, the table or the
// JSON (one MeasureResult per memory size: an object for one size, an array for a sweep) on stdout.
// Ctrl-C aborts the run and deletes what it created before exiting. Also `faaslight lambda-local`,
// which serves the local Lambda API endpoint for `--endpoint http://127.0.0.1:<port>`.
import { Command, InvalidArgumentError, Option } from 'commander';
import { UsageError } from '../diagnostics.js';
import { formatInvokeText, invoke, LocalLambdaEndpoint } from '../invoke/index.js';
import { invokeResults } from '../invoke/result.js';
import type { InvokeOptions } from '../invoke/types.js';
import type { MeasureResult } from '../measure/types.js';

function int(name: string) {
  return (v: string) => {
    if (!/^\d+$/.test(v)) throw new InvalidArgumentError(`${name} must be a whole number`);
    return Number(v);
  };
}

function memoryList(v: string): number[] {
  const xs = v.split(',').map((s) => s.trim());
  if (!xs.every((x) => /^\d+$/.test(x))) throw new InvalidArgumentError('use whole MB, comma-separated: 256,512,1024');
  return xs.map(Number);
}

function price(v: string): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError('must be a non-negative number of USD');
  return n;
}

function envPair(v: string, prev: Record<string, string> = {}): Record<string, string> {
  const i = v.indexOf('=');
  if (i <= 0) throw new InvalidArgumentError('use NAME=value');
  return { ...prev, [v.slice(0, i)]: v.slice(i + 1) };
}

export function exitCodeOfInvoke(results: MeasureResult[]): 0 | 1 {
  return results.some((r) => r.packages.some((p) => p.summary.failed > 0 || p.summary.ok === 0) || r.identicalOutputs === false) ? 1 : 0;
}

export function registerInvoke(program: Command): Command {
  const io = program.configureOutput();
  const write = (s: string) => (io.writeOut ? io.writeOut(s) : process.stdout.write(s));
  const writeErr = (s: string) => (io.writeErr ? io.writeErr(s) : process.stderr.write(s));
  program
    .command('lambda-local')
    .description('serve a local AWS Lambda API (create/update/get/invoke/delete) on 127.0.0.1, running functions on the local Runtime API: for invoke --endpoint')
    .option('--port <n>', 'port (default: a free one)', int('--port'), 0)
    .action(async (o: Record<string, any>) => {
      const ep = await LocalLambdaEndpoint.start({}, o.port);
      writeErr(`local Lambda API on ${ep.url} (Ctrl-C stops it)\n`);
      await new Promise<void>((resolve) => {
        process.once('SIGINT', () => resolve());
        process.once('SIGTERM', () => resolve());
      });
      // Stops every instance it started before exiting.
      await ep.close();
    });
  return program
    .command('invoke')
    .argument('<app>', 'function package: folder (optimized first unless --vs) or .zip')
    .description('deploy the original and the optimized package to AWS Lambda or Google Cloud Functions, force cold starts, invoke cold and warm, A/B interleaved; same result format as measure')
    .addOption(new Option('--provider <name>', 'cloud').choices(['aws', 'gcf']).makeOptionMandatory())
    .option('--vs <other>', 'the other package (B) instead of optimizing <app>')
    .option('--handler <handler>', 'handler string (AWS) or function target (GCF)')
    .option('--event <file>', 'event JSON file (default: {})')
    .option('--runs <n>', 'measured cold rounds per package and memory size', int('--runs'), 10)
    .option('--warmup <n>', 'cold rounds left out of the statistics', int('--warmup'), 1)
    .option('--memory <mb,...>', 'memory sizes to sweep: 256,512,1024 (one result per size; default: the descriptor\'s, else 1024 on AWS, 256 on GCF)', memoryList)
    .option('--region <region>', 'AWS region / GCP location (default AWS_REGION; us-central1 on GCF)')
    .option('--endpoint <url>', 'API endpoint override: a local Lambda API (faaslight lambda-local), or "local" to start one in-process')
    .option('--role <arn>', 'AWS execution role ARN (needed to create the functions; default: a plain ARN in serverless.yml / SAM)')
    .option('--runtime <id>', 'runtime id (nodejs20.x, python3.12; nodejs20 on GCF); default from serverless.yml / SAM')
    .addOption(new Option('--arch <arch>', 'AWS architecture (default: the descriptor\'s, else x86_64)').choices(['x86_64', 'arm64']))
    .option('--timeout <seconds>', 'function timeout (default: the descriptor\'s, else 30; 60 on GCF)', int('--timeout'))
    .option('--name-prefix <prefix>', 'function names are <prefix>-a and <prefix>-b (default faaslight-<app>)')
    .option('--keep', 'keep the functions afterwards')
    .option('--s3-bucket <bucket>', 'upload the zips through S3 (needed above the 50 MB direct-upload limit)')
    .option('--price-gb-second <usd>', 'price per GB-second (default: AWS us-east-1 list price for the architecture)', price)
    .option('--price-request <usd>', 'price per request (default 0.0000002)', price)
    .option('--project <id>', 'GCP project (default GOOGLE_CLOUD_PROJECT)')
    .option('--env <NAME=value>', 'environment variable for both functions (repeatable)', envPair)
    .option('--seed <n>', 'seed of the bootstrap resampling', int('--seed'), 1)
    .option('--json', 'print the result(s) as JSON')
    .option('--quiet', 'no progress lines')
    .action(async (app: string, o: Record<string, any>) => {
      if (o.provider === 'gcf' && o.s3Bucket) throw new UsageError('--s3-bucket is for AWS');
      const abort = new AbortController();
      const onSigint = () => {
        writeErr('interrupted: cleaning up what was created (Ctrl-C again to force quit)\n');
        abort.abort();
        process.once('SIGINT', () => process.exit(130));
      };
      process.once('SIGINT', onSigint);
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
        onProgress: o.quiet ? undefined : (l) => writeErr(`${l}\n`),
      };
      try {
        const results = await invoke(opts);
        write(o.json ? `${JSON.stringify(invokeResults(results), null, 2)}\n` : formatInvokeText(results));
        const code = exitCodeOfInvoke(results);
        if (code) process.exitCode = code;
      } finally {
        process.removeListener('SIGINT', onSigint);
      }
    });
}

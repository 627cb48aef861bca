// Options of `faaslight invoke`, shared by both clouds. Results use the measurement format
// (src/measure/types.ts MeasureResult, with its `cloud` fields), one per memory size.
import type { Platform } from '../measure/types.js';

export interface InvokeOptions {
  /** The app: a folder (optimized first unless `vs` is given) or a zip. */
  input: string;
  provider: Platform;
  /** The other package (B); without it B is `input` optimized by faaslight. */
  vs?: string;
  /** Handler string (AWS) or function target (GCF). */
  handler?: string;
  event?: string;
  /** Measured cold rounds per package and memory size (default 10). */
  runs?: number;
  /** Cold rounds left out of the statistics (default 1). */
  warmup?: number;
  /** Memory sizes in MB; one result per size (default: the descriptor's, else 1024 on AWS, 256 on GCF). */
  memory?: number[];
  /** AWS region or GCP location. */
  region?: string;
  /** API endpoint override (a local Lambda API for tests; "local" starts one in-process). */
  endpoint?: string;
  /** AWS execution role ARN (needed to create a function). */
  role?: string;
  /** Deployed runtime id (nodejs20.x, python3.12; nodejs20 on GCF); default from the descriptor. */
  runtime?: string;
  arch?: 'x86_64' | 'arm64';
  /** Function timeout in seconds (default 30). */
  timeoutS?: number;
  /** Function names are <prefix>-a and <prefix>-b (default faaslight-<app folder name>). */
  namePrefix?: string;
  /** Keep the functions afterwards. */
  keep?: boolean;
  /** Upload the zips through this S3 bucket (needed above Lambda's 50 MB direct-upload limit). */
  s3Bucket?: string;
  priceGbSecond?: number;
  priceRequest?: number;
  /** Extra environment variables for both functions. */
  env?: Record<string, string>;
  /** GCP project (GCF). */
  project?: string;
  seed?: number;
  signal?: AbortSignal;
  /** Human-readable progress: deploys, rounds, retries (throttling is always said). */
  onProgress?: (line: string) => void;
  /** Static credentials (tests against a local endpoint); otherwise the SDK's default chain. */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  /** Polling and backoff timings (tests make them short). */
  pollMs?: number;
  retryBaseMs?: number;
  retryCapMs?: number;
  /** Give up waiting for a function to leave Pending / InProgress after this (default 5 min). */
  deployTimeoutMs?: number;
}

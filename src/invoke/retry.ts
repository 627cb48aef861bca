// Retries with exponential backoff and full jitter for throttling (HTTP 429) and "busy" answers.
// Every retry is announced through onRetry, so the user sees why a run is slower than expected.
import { FaaslightError } from '../diagnostics.js';

export interface RetryOptions {
  /** Whether an error is worth another attempt, and how to name it in the message. */
  retryable: (e: unknown) => string | undefined;
  onRetry?: (what: string, attempt: number, maxAttempts: number, delayMs: number) => void;
  maxAttempts?: number;
  baseMs?: number;
  capMs?: number;
  signal?: AbortSignal;
  /** A server-given wait (Retry-After), in ms, used instead of the backoff when larger. */
  retryAfterMs?: (e: unknown) => number | undefined;
}

export class InterruptedError extends FaaslightError {
  constructor(message = 'interrupted') {
    super(message, 1);
    this.name = 'InterruptedError';
  }
}

export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new InterruptedError('interrupted (Ctrl-C)');
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new InterruptedError('interrupted (Ctrl-C)'));
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(new InterruptedError('interrupted (Ctrl-C)'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export async function withRetry<T>(fn: () => Promise<T>, opts: RetryOptions): Promise<T> {
  const max = opts.maxAttempts ?? 6;
  const base = opts.baseMs ?? 500;
  const cap = opts.capMs ?? 20_000;
  for (let attempt = 1; ; attempt++) {
    throwIfAborted(opts.signal);
    try {
      return await fn();
    } catch (e) {
      const what = opts.retryable(e);
      if (!what || attempt >= max) throw e;
      const backoff = Math.round(Math.random() * Math.min(cap, base * 2 ** (attempt - 1)));
      const delay = Math.max(backoff, Math.min(cap, opts.retryAfterMs?.(e) ?? 0));
      opts.onRetry?.(what, attempt, max, delay);
      await sleep(delay, opts.signal);
    }
  }
}

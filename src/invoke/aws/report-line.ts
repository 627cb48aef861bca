// The REPORT line Lambda writes at the end of every invoke, read from the base64 log tail
// (X-Amz-Log-Result) that Invoke returns with LogType Tail:
//   REPORT RequestId: …\tDuration: 12.34 ms\tBilled Duration: 13 ms\tMemory Size: 512 MB\t
//   Max Memory Used: 80 MB\tInit Duration: 456.78 ms\t[Status: error\tError Type: Runtime.ExitError]
// Init Duration is present only when the invoke started a new execution environment.

export interface ReportLine {
  requestId: string;
  durationMs: number;
  billedMs: number;
  memorySizeMb: number;
  maxMemoryUsedMb: number;
  /** Present only on a cold start. */
  initMs?: number;
  status?: string;
  errorType?: string;
}

export function decodeLogTail(b64: string | undefined): string {
  return b64 ? Buffer.from(b64, 'base64').toString('utf8') : '';
}

/** The last REPORT line of a log tail, or null when the tail holds none (cut off, or no LogType Tail). */
export function parseReport(log: string): ReportLine | null {
  const line = log
    .split('\n')
    .filter((l) => l.startsWith('REPORT '))
    .pop();
  if (!line) return null;
  const field = (name: string) => new RegExp(`(?:^|\\t)${name}: ([^\\t]+)`).exec(line.replace(/^REPORT /, '\t'))?.[1]?.trim();
  const num = (name: string, unit: string) => {
    const v = field(name);
    const m = v ? new RegExp(`^([\\d.]+) ${unit}$`).exec(v) : null;
    return m ? Number(m[1]) : undefined;
  };
  const requestId = field('RequestId');
  const durationMs = num('Duration', 'ms');
  const billedMs = num('Billed Duration', 'ms');
  const memorySizeMb = num('Memory Size', 'MB');
  const maxMemoryUsedMb = num('Max Memory Used', 'MB');
  if (!requestId || durationMs === undefined || billedMs === undefined || memorySizeMb === undefined || maxMemoryUsedMb === undefined) return null;
  const r: ReportLine = { requestId, durationMs, billedMs, memorySizeMb, maxMemoryUsedMb };
  const init = num('Init Duration', 'ms');
  if (init !== undefined) r.initMs = init;
  const status = field('Status');
  if (status) r.status = status;
  const errorType = field('Error Type');
  if (errorType) r.errorType = errorType;
  return r;
}

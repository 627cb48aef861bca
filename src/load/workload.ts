// The load generator, as a client of the Invoke API over loopback HTTP: closed loop (users × loops,
// started over the ramp-up, each user sending its next request when the last one answered — as
// JMeter does) or open loop (Poisson arrivals at a rate for a duration, sent whatever is in flight —
// as loadtest does). Bounded in requests and in time: past the deadline nothing new is sent.
import http from 'node:http';
import { seededRandom } from '../measure/stats.js';
import type { RequestKind, RequestRecord, Workload } from './types.js';

export interface DriveOptions {
  url: string;
  payload: string;
  workload: Workload;
  maxRequests: number;
  maxTimeMs: number;
  seed: number;
  /** Client-side limit per request (the function's own timeouts come first). */
  requestTimeoutMs: number;
}

function post(agent: http.Agent, url: URL, payload: string, timeoutMs: number): Promise<{ status: number; headers: http.IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        agent,
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(payload) },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers }));
        res.on('error', reject);
      },
    );
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(payload);
  });
}

const one = (h: string | string[] | undefined) => (Array.isArray(h) ? h[0] : h);
const num = (h: string | string[] | undefined) => (one(h) === undefined ? undefined : Number(one(h)));

/** Poisson arrival times (ms from the start) over the duration, at most `max` of them. */
export function poissonSchedule(ratePerSec: number, durationMs: number, max: number, seed: number): number[] {
  const rand = seededRandom(seed);
  const out: number[] = [];
  for (let t = 0; out.length < max; ) {
    t += (-Math.log(1 - rand()) / ratePerSec) * 1000;
    if (t > durationMs) break;
    out.push(t);
  }
  return out;
}

export async function drive(o: DriveOptions): Promise<{ records: RequestRecord[]; wallMs: number; truncated: boolean }> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity });
  const url = new URL(o.url);
  const records: RequestRecord[] = [];
  const t0 = performance.now();
  const deadline = t0 + o.maxTimeMs;
  let sent = 0;
  let truncated = false;
  const canSend = () => {
    if (sent >= o.maxRequests || performance.now() >= deadline) {
      truncated = true;
      return false;
    }
    sent++;
    return true;
  };
  const fire = async (): Promise<void> => {
    const start = performance.now();
    const rec: RequestRecord = { t: start - t0, latencyMs: 0, status: 0, kind: 'connection', cold: false };
    records.push(rec);
    try {
      const r = await post(agent, url, o.payload, o.requestTimeoutMs);
      rec.latencyMs = performance.now() - start;
      rec.status = r.status;
      rec.kind = (one(r.headers['x-faaslight-kind']) as RequestKind | undefined) ?? (r.status === 429 ? 'throttled' : r.status === 200 ? 'ok' : 'connection');
      rec.cold = one(r.headers['x-faaslight-cold']) === '1';
      rec.instance = num(r.headers['x-faaslight-instance']);
      rec.serviceMs = num(r.headers['x-faaslight-service-ms']);
      rec.initMs = num(r.headers['x-faaslight-init-ms']);
    } catch {
      rec.latencyMs = performance.now() - start;
    }
  };
  const sleepUntil = (t: number) => new Promise<void>((r) => setTimeout(r, Math.max(0, t - performance.now())));
  try {
    const w = o.workload;
    if (w.kind === 'closed') {
      const users = Array.from({ length: w.users }, async (_, i) => {
        await sleepUntil(t0 + (w.users > 1 ? (i * w.rampUpMs) / w.users : 0));
        for (let k = 0; k < w.loops && canSend(); k++) await fire();
      });
      await Promise.all(users);
    } else {
      const inflight: Promise<void>[] = [];
      const schedule = poissonSchedule(w.rate, w.durationMs, o.maxRequests, o.seed);
      // The schedule stops at the bound: more arrivals were due within the duration.
      if (schedule.length >= o.maxRequests && poissonSchedule(w.rate, w.durationMs, o.maxRequests + 1, o.seed).length > o.maxRequests) truncated = true;
      for (const at of schedule) {
        await sleepUntil(t0 + at);
        if (!canSend()) break;
        inflight.push(fire());
      }
      await Promise.all(inflight);
    }
  } finally {
    agent.destroy();
  }
  records.sort((a, b) => a.t - b.t);
  return { records, wallMs: performance.now() - t0, truncated };
}

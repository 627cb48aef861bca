// `faaslight batch`: every app of a corpus folder through optimize + verify + measure, resumable and
// shardable; results as JSON, CSV and Markdown. `mergeResults` combines the results folders of shards.
import { promises as fsp } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { UsageError } from '../diagnostics.js';
import { DEFAULT_RUNS } from '../measure/index.js';
import { isInside } from '../util/paths.js';
import { discoverApps, naturalCompare, shardApps } from './discover.js';
import { toCsv, toMarkdown } from './format.js';
import { MeasureLock, pool } from './lock.js';
import { runApp } from './run-app.js';
import { summarizeRows, withReportView } from './summary.js';
import { BATCH_RESULT_VERSION, RESULT_FILE, type AppResultFile, type BatchOptions, type BatchResults, type BatchRow } from './types.js';

export * from './types.js';
export { discoverApps, naturalCompare, parseShard, shardApps } from './discover.js';
export { geometricMean, ratios, reportRow, summarizeRows, summaryLine, withReportView } from './summary.js';
export { BATCH_REPORTERS, csvField, toCsv, toMarkdown, toText } from './format.js';

/** A finished per-app result, or undefined (absent, unreadable, or from another format version). */
export async function readAppResult(file: string): Promise<AppResultFile | undefined> {
  const text = await fsp.readFile(file, 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  try {
    const r = JSON.parse(text) as AppResultFile;
    return r.version === BATCH_RESULT_VERSION && r.row && typeof r.row.app === 'string' ? r : undefined;
  } catch {
    return undefined;
  }
}

/** Written through a temporary name and renamed: a killed run never leaves a half-written marker. */
async function writeAtomic(file: string, text: string): Promise<void> {
  const tmp = `${file}.${process.pid}.tmp`;
  await fsp.writeFile(tmp, text);
  await fsp.rename(tmp, file);
}

export async function writeAppResult(dir: string, r: AppResultFile): Promise<void> {
  await fsp.mkdir(dir, { recursive: true });
  await writeAtomic(path.join(dir, RESULT_FILE), `${JSON.stringify(r, null, 2)}\n`);
}

export async function writeResults(out: string, results: BatchResults): Promise<void> {
  await fsp.mkdir(out, { recursive: true });
  await writeAtomic(path.join(out, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
  await writeAtomic(path.join(out, 'results.csv'), toCsv(results.rows));
  await writeAtomic(path.join(out, 'results.md'), toMarkdown(results));
}

function machine(): BatchResults['machine'] {
  return { cpus: os.availableParallelism?.() ?? os.cpus().length, node: process.version, platform: `${os.platform()} ${os.release()} ${os.arch()}` };
}

/** A result counts as done when the app ran to the end (ok or differs) with the same measurement settings; errors are retried. */
export function isFinished(r: AppResultFile | undefined, runs: number, warmup: number): boolean {
  return !!r && r.row.status !== 'error' && r.options.runs === runs && r.options.warmup === warmup;
}

export async function runBatch(o: BatchOptions): Promise<BatchResults> {
  const dir = path.resolve(o.dir);
  const out = path.resolve(o.out);
  const runs = o.runs ?? DEFAULT_RUNS;
  const warmup = o.warmup ?? 1;
  const jobs = o.jobs ?? 1;
  if (!Number.isInteger(runs) || runs < 1) throw new UsageError(`--runs must be a positive integer, got ${o.runs}`);
  if (!Number.isInteger(jobs) || jobs < 1) throw new UsageError(`--jobs must be a positive integer, got ${o.jobs}`);
  const corpus = await discoverApps(dir);
  if (!corpus.length)
    throw new UsageError(
      `no apps under ${dir}: an app is a sub-folder with serverless.yml, template.yaml, faaslight.config.json or a package.json "faaslight" key`,
    );
  if (out === dir || isInside(out, dir)) throw new UsageError(`the results folder ${out} must not be the corpus folder or contain it`);
  const inside = corpus.find((a) => isInside(path.join(dir, a), out));
  if (inside) throw new UsageError(`the results folder ${out} is inside the app ${inside}: choose a folder outside the apps`);
  if (o.only) {
    const unknown = o.only.filter((a) => !corpus.includes(a));
    if (unknown.length) throw new UsageError(`--only names apps not found under ${dir}: ${unknown.join(', ')}`);
  }
  const wanted = o.only ? corpus.filter((a) => o.only!.includes(a)) : corpus;
  const selected = shardApps(wanted, o.shard);

  await fsp.mkdir(out, { recursive: true });
  const previous = new Map<string, BatchRow>();
  for (const app of selected) {
    const r = await readAppResult(path.join(out, app, RESULT_FILE));
    if (!o.force && isFinished(r, runs, warmup)) previous.set(app, r!.row);
  }
  const toRun = selected.filter((a) => !previous.has(a));
  o.onProgress?.({ type: 'start', total: selected.length, toRun: toRun.length, skipped: [...previous.keys()] });
  let finished = 0;
  for (const app of selected) {
    const row = previous.get(app);
    if (row) o.onProgress?.({ type: 'done', app, row, skipped: true, finished: ++finished, total: selected.length });
  }

  const lock = new MeasureLock();
  const fresh = await pool(toRun, jobs, async (app) => {
    const appOut = path.join(out, app);
    let row: BatchRow;
    try {
      row = await runApp({
        name: app,
        dir: path.join(dir, app),
        out: appOut,
        lock,
        options: { runs, warmup, runtimeClient: o.runtimeClient, python: o.python, memoryMb: o.memoryMb, onProgress: o.onProgress },
      });
    } catch (e) {
      // runApp turns stage failures into rows; this is a failure of the batch's own bookkeeping (disk full …).
      row = {
        app,
        status: 'error',
        error: { phase: 'load', message: (e as Error).message },
        identical: null,
        fallbackLoads: [],
        notes: [],
        startedAt: new Date().toISOString(),
        wallMs: 0,
      };
    }
    await writeAppResult(appOut, { version: BATCH_RESULT_VERSION, options: { runs, warmup }, row });
    o.onProgress?.({ type: 'done', app, row, skipped: false, finished: ++finished, total: selected.length });
    return row;
  });
  const byApp = new Map([...previous, ...toRun.map((a, i) => [a, fresh[i]] as const)]);
  const rows = selected.map((a) => byApp.get(a)!);
  const results = withReportView({
    version: BATCH_RESULT_VERSION,
    createdAt: new Date().toISOString(),
    source: [dir],
    options: { runs, warmup, jobs, ...(o.shard ? { shard: o.shard } : {}), ...(o.only ? { only: o.only } : {}) },
    corpus: wanted,
    rows,
    summary: summarizeRows(rows),
    notes: previous.size ? [`${previous.size} app(s) kept from an earlier run (--force re-runs them): ${[...previous.keys()].join(', ')}`] : [],
    machine: machine(),
  });
  await writeResults(out, results);
  return results;
}

/**
 * Combines the results folders of several shards: every <dir>/<app>/result.json, the corpus listings of
 * their results.json, and the apps no shard reported. The same app in two folders: a finished row wins
 * over an error, then the later one (noted).
 */
export async function mergeResults(dirs: readonly string[], outDir: string): Promise<BatchResults> {
  if (!dirs.length) throw new UsageError('batch merge needs at least one results folder');
  const out = path.resolve(outDir);
  const picked = new Map<string, AppResultFile & { from: string }>();
  const corpus = new Set<string>();
  const settings = new Set<string>();
  const notes: string[] = [];
  const sources: string[] = [];
  let jobs = 1;
  for (const d of dirs) {
    const dir = path.resolve(d);
    const entries = await fsp.readdir(dir, { withFileTypes: true }).catch(() => undefined);
    if (!entries) throw new UsageError(`results folder not found: ${d}`);
    sources.push(dir);
    const listing = await fsp
      .readFile(path.join(dir, 'results.json'), 'utf8')
      .then((t) => JSON.parse(t) as BatchResults)
      .catch(() => undefined);
    for (const a of listing?.corpus ?? []) corpus.add(a);
    if (listing) jobs = Math.max(jobs, listing.options.jobs);
    let found = 0;
    for (const e of entries) {
      if (!e.isDirectory()) continue;
      const r = await readAppResult(path.join(dir, e.name, RESULT_FILE));
      if (!r) continue;
      found++;
      settings.add(`--runs ${r.options.runs} --warmup ${r.options.warmup}`);
      const have = picked.get(r.row.app);
      if (have) {
        const better = (have.row.status === 'error') !== (r.row.status === 'error') ? have.row.status === 'error' : r.row.startedAt > have.row.startedAt;
        notes.push(`${r.row.app} appears in more than one folder: kept the ${better ? 'one in ' + dir : 'earlier pick'}`);
        if (!better) continue;
      }
      picked.set(r.row.app, { ...r, from: dir });
    }
    if (!found && !listing) throw new UsageError(`${d} holds no batch results (no results.json, no <app>/${RESULT_FILE})`);
  }
  if (settings.size > 1)
    notes.push(`the folders were measured with different settings (${[...settings].join('; ')}): ratios are comparable, absolute times less so`);
  const rows = [...picked.values()].map((r) => r.row).sort((a, b) => naturalCompare(a.app, b.app));
  const any = [...picked.values()][0];
  const corpusList = [...corpus].sort(naturalCompare);
  const results = withReportView({
    version: BATCH_RESULT_VERSION,
    createdAt: new Date().toISOString(),
    source: sources,
    options: { runs: any?.options.runs ?? 0, warmup: any?.options.warmup ?? 0, jobs, ...runsRange([...picked.values()].map((r) => r.options.runs)) },
    corpus: corpusList,
    rows,
    summary: summarizeRows(rows, corpusList),
    notes,
    machine: machine(),
  });
  for (const { from, ...r } of picked.values()) if (from !== out) await writeAppResult(path.join(out, r.row.app), r);
  await writeResults(out, results);
  return results;
}

/** The spread of --runs over merged folders, when they differ (the header then says "5–10"). */
function runsRange(runs: number[]): { runs?: number; runsRange?: [number, number] } {
  const lo = Math.min(...runs);
  const hi = Math.max(...runs);
  return runs.length && lo !== hi ? { runs: lo, runsRange: [lo, hi] } : {};
}

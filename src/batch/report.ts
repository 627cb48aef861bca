// The batch's HTML report: the results table plus, per app, the cold-start samples it measured (from
// <out>/<app>/measure.json), so the distributions show too. The per-app plans (thousands of stripped
// files each) stay out: `faaslight report <out>/<app>/optimize.json` shows one.
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { writeReportFrom } from '../report/html/index.js';
import type { BatchResults as ReportBatch } from '../report/html/types.js';

async function readJson<T>(file: string): Promise<T | undefined> {
  return fsp
    .readFile(file, 'utf8')
    .then((t) => JSON.parse(t) as T)
    .catch(() => undefined);
}

/** Writes <out>/report.html from <out>/results.json; returns its path, or undefined when there are no results. */
export async function writeBatchReport(out: string): Promise<string | undefined> {
  const results = await readJson<ReportBatch>(path.join(out, 'results.json'));
  if (!results) return undefined;
  const apps = await Promise.all(
    results.apps.map(async (row) => ({
      ...row,
      measure: row.measure ?? (await readJson(path.join(out, row.app, 'measure.json'))),
    })),
  );
  const file = path.join(out, 'report.html');
  await writeReportFrom([{ kind: 'faaslight.batch', source: 'results.json', data: { ...results, apps } }], file);
  return file;
}

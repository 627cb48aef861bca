// One orchestrator for both languages: the same stages, each language's decisions in the plan, and the
// optimized package verified against the original on an event.
import { promises as fsp } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { analyzeApp, optimizeApp } from '../../src/pipeline.js';
import type { Runtime } from '../../src/types.js';

const CASES: { runtime: Runtime; handler: string; files: Record<string, string>; analyzeStages: string[]; lazy: string[]; stripped: string[] }[] = [
  {
    runtime: 'nodejs',
    handler: 'handler.handler',
    files: {
      'handler.js': "const heavy = require('./heavy');\nexports.handler = async (event) => ({ n: heavy.twice(event.n) });\n",
      'heavy.js': 'exports.twice = (n) => n * 2;\n',
      'unused.js': 'module.exports = 1;\n',
    },
    analyzeStages: ['load', 'graph', 'bindings', 'plan'],
    lazy: ['handler.js ./heavy require'],
    stripped: ['unused.js'],
  },
  {
    runtime: 'python',
    handler: 'app.handler',
    files: {
      'app.py': 'import heavy\n\ndef handler(event, context):\n    return {"n": heavy.twice(event["n"])}\n',
      'heavy.py': 'def twice(n):\n    return n * 2\n',
      'unused.py': 'X = 1\n',
    },
    analyzeStages: ['load', 'analyze', 'plan'],
    lazy: ['app.py heavy stand-in'],
    stripped: ['unused.py'],
  },
];

const made: string[] = [];
afterAll(async () => {
  for (const d of made) await fsp.rm(d, { recursive: true, force: true });
});

async function appDir(files: Record<string, string>): Promise<string> {
  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'fl-pipeline-'));
  made.push(dir);
  for (const [f, text] of Object.entries({ ...files, 'events/e.json': '{"n": 21}' })) {
    await fsp.mkdir(path.dirname(path.join(dir, 'app', f)), { recursive: true });
    await fsp.writeFile(path.join(dir, 'app', f), text);
  }
  return dir;
}

describe.each(CASES)('$runtime', (c) => {
  test('analyze: the stages in order, and the plan with the language decisions (lazy and strip are on unless turned off)', async () => {
    const dir = await appDir(c.files);
    const job = await analyzeApp({ input: path.join(dir, 'app'), handlers: [c.handler], runtime: c.runtime, lazy: undefined, strip: undefined });
    expect(job.timings.map((t) => t.stage)).toEqual(c.analyzeStages);
    expect(job.plan.imports.filter((d) => d.decision === 'lazy').map((d) => `${d.site.file} ${d.site.specifier} ${d.mechanism}`)).toEqual(c.lazy);
    expect(job.plan.files.filter((f) => f.decision === 'strip').map((f) => f.file)).toEqual(c.stripped);
  });

  test('optimize: transform, package and verify through the same orchestrator; the output answers as the original', async () => {
    const dir = await appDir(c.files);
    const { job, summary } = await optimizeApp({
      input: path.join(dir, 'app'),
      out: path.join(dir, 'out'),
      handlers: [c.handler],
      runtime: c.runtime,
      verifyEvents: [path.join(dir, 'app/events/e.json')],
    });
    expect(job.timings.map((t) => t.stage)).toEqual([...c.analyzeStages, 'transform', 'package', 'verify']);
    expect(job.verify?.ok).toBe(true);
    expect(job.verify?.events.map((e) => [e.identical, e.original.output])).toEqual([[true, { n: 42 }]]);
    expect(job.packageResult.stripped).toBe(c.stripped.length);
    expect(summary.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    await expect(fsp.access(path.join(dir, 'out', c.stripped[0]))).rejects.toThrow();
  });
});

// Rewrite execution table: fixtures/lazy/exec/<case>/ holds input.(js|mjs), fake packages under pkgs/
// (copied to node_modules/, which git ignores) and case.json. Each case runs the original (or a
// `before` reference file) and the rewritten file in a child node process and compares what they do.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterAll, describe, expect, test } from 'vitest';
import { analyzeBindings } from '../../src/lang/js/analyze/bindings.js';
import { planRewrite, rewriteLazy } from '../../src/lang/js/transform/index.js';
import { cleanEnv } from '../../src/util/env.js';
import type { ImportDecision, LazyMechanism } from '../../src/types.js';

interface CaseSpec {
  /** Events per run; each run is a fresh process (a cold start). */
  runs: string[][];
  /** Number of sites the rewrite must apply (no skips allowed). */
  applied: number;
  mechanism?: LazyMechanism;
  /** Reference file run instead of the original (when the original cannot start, e.g. a load error). */
  before?: string;
  /** Loads the rewritten file still does before init ends (default none): the rest must be lazy. */
  initLoads?: string[];
  /** Lazy values the rewrite must apply. */
  values?: number;
  /** Exact output of each rewritten run. */
  after?: RunOutput[];
}
interface RunOutput {
  log: string[];
  results: unknown[];
  initError?: string;
}

const root = path.resolve('fixtures/lazy/exec');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'faaslight-lazy-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

// The driver loads the entry (CJS or ESM) through import(), then calls its handler once per event.
const DRIVER = `import { pathToFileURL } from 'node:url';
globalThis.__log = [];
const [entry, events] = process.argv.slice(2);
let mod;
try { mod = await import(pathToFileURL(entry).href); }
catch (e) { console.log(JSON.stringify({ initError: e.message, log: globalThis.__log, results: [] })); process.exit(0); }
globalThis.__log.push('init-done');
const handler = mod.handler ?? mod.default?.handler;
const results = [];
for (const ev of JSON.parse(events)) {
  try { results.push({ ok: await handler(ev) }); } catch (e) { results.push({ error: e.message }); }
}
console.log(JSON.stringify({ log: globalThis.__log, results }));
`;

function run(dir: string, entry: string, events: string[]): RunOutput {
  const r = spawnSync(process.execPath, ['driver.mjs', path.join(dir, entry), JSON.stringify(events)], { cwd: dir, env: cleanEnv(), encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`driver failed (${r.status}): ${r.stderr}`);
  return JSON.parse(r.stdout) as RunOutput;
}

function loadCounts(log: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const l of log) if (l.startsWith('load ')) counts[l] = (counts[l] ?? 0) + 1;
  return counts;
}

/** Copies a case, rewrites its input to `after.<ext>` with every deferred/unused site made lazy. */
function prepare(name: string) {
  const dir = fs.mkdtempSync(path.join(tmp, `${name}-`));
  fs.cpSync(path.join(root, name), dir, { recursive: true });
  if (fs.existsSync(path.join(dir, 'pkgs'))) fs.renameSync(path.join(dir, 'pkgs'), path.join(dir, 'node_modules'));
  fs.writeFileSync(path.join(dir, 'driver.mjs'), DRIVER);
  const spec = JSON.parse(fs.readFileSync(path.join(dir, 'case.json'), 'utf8')) as CaseSpec;
  const input = fs.existsSync(path.join(dir, 'input.mjs')) ? 'input.mjs' : 'input.js';
  const isESM = input.endsWith('.mjs');
  const code = fs.readFileSync(path.join(dir, input), 'utf8');
  const decisions: ImportDecision[] = analyzeBindings(input, code, { isESM })
    .sites.filter((s) => s.usage === 'deferred' || s.usage === 'unused')
    .map((site) => ({ site, decision: 'lazy', mechanism: spec.mechanism ?? (isESM ? 'create-require' : 'require'), reason: { code: 'test', text: 'test' } }));
  const r = rewriteLazy(input, code, decisions, { isESM, values: planRewrite(input, code, decisions, { isESM }).values });
  const after = `after${path.extname(input)}`;
  fs.writeFileSync(path.join(dir, after), r.code);
  return { dir, spec, before: spec.before ?? input, after, rewrite: r, code };
}

describe('rewritten code behaves like the original', () => {
  test.each(fs.readdirSync(root).sort())('%s', (name) => {
    const { dir, spec, before, after, rewrite, code } = prepare(name);
    expect(rewrite.skipped).toEqual([]);
    expect(rewrite.applied).toHaveLength(spec.applied);
    expect(rewrite.values).toHaveLength(spec.values ?? 0);
    expect(rewrite.skippedValues).toEqual([]);
    expect(rewrite.code).not.toBe(code);
    spec.runs.forEach((events, i) => {
      const b = run(dir, before, events);
      const a = run(dir, after, events);
      expect(b.initError).toBeUndefined();
      expect(a.results).toEqual(b.results);
      if (!spec.before) expect(loadCounts(a.log)).toEqual(loadCounts(b.log));
      else expect(a.log).toEqual(b.log);
      expect(a.log.slice(0, a.log.indexOf('init-done'))).toEqual(spec.initLoads ?? []);
      if (spec.after) expect(a).toEqual(spec.after[i]);
      if (process.env.SHOW_LAZY) console.log(name, JSON.stringify(b), JSON.stringify(a), rewrite.code);
    });
  });
});

test('the original of load-error fails at init (why it is compared with a reference file)', () => {
  const { dir } = prepare('load-error');
  expect(run(dir, 'input.js', [])).toEqual({ initError: 'bad module failed', log: ['load bad'], results: [] });
});
